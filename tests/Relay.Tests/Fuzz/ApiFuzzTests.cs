using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Relay.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Relay.Tests.Fuzz;

/// <summary>
/// Every operation of the relay's own OpenAPI document, sent mutated requests (fixed seed, so the same ones every run):
/// wrong JSON types, nulls, missing and extra members, 100 KB strings, deep nesting, invalid UTF-8, control characters,
/// out-of-range numbers, wrong content types and charsets, several Accept values, and valid, wrong, revoked and missing
/// credentials. None may get a 5xx; every 4xx is problem details with a code; no body shows a stack, a type or SQL. On /nexo,
/// nexo's rules instead (<see cref="NexoBroke"/>).
/// Over a real socket (Kestrel), so the requests are parsed as a POS's would be.
/// </summary>
public sealed partial class ApiFuzzTests(KestrelRelayFixture relay, ITestOutputHelper output) : IClassFixture<KestrelRelayFixture>
{
    private const int Seed = 20261201;
    private const int RequestsPerOperation = 180;

    [Fact]
    public async Task NoRequestOfAnyShapeGetsAServerErrorOrAnAnswerWithoutACode()
    {
        var world = await WorldAsync();
        var document = JsonNode.Parse(await relay.Client().GetStringAsync("/openapi/v1.json"))!;
        var api = new OpenApiOperations(document);
        var operations = api.All().ToList();
        Assert.True(operations.Count >= 30, $"the OpenAPI document lists {operations.Count} operations");
        var mutator = new RequestMutator(api, world);
        var failures = new ConcurrentQueue<string>();
        var sent = 0;
        var statuses = new ConcurrentDictionary<int, int>();

        await Parallel.ForEachAsync(operations.Select((op, index) => (op, index)),
            new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, _) =>
        {
            using var http = relay.Client();
            for (var i = 0; i < RequestsPerOperation; i++)
            {
                var seed = Seed + item.index * 10_000 + i;
                var (request, description) = mutator.Build(item.op, new Random(seed));
                // A request that met a connection the relay had just closed (after refusing a body it did not read) is sent
                // once more, as any HTTP client would; a relay that had failed would not answer that one either.
                var status = await SendAsync(http, request, $"{item.op} [{description}]", failures,
                    () => mutator.Build(item.op, new Random(seed)).Request);
                Interlocked.Increment(ref sent);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        });

        var fiveHundreds = statuses.Where(s => s.Key >= 500).Sum(s => s.Value);
        output.WriteLine($"{sent} requests over {operations.Count} operations; {fiveHundreds} answered 5xx; by status: "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(failures.IsEmpty,
            $"{failures.Count} of {sent} answers broke the rules, such as:\n" + string.Join("\n", failures.Take(15)));
    }

    private static async Task<int> SendAsync(
        HttpClient http, HttpRequestMessage request, string what, ConcurrentQueue<string> failures, Func<HttpRequestMessage> again)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        HttpResponseMessage response;
        try
        {
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (HttpRequestException)
            {
                request = again();
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
        }
        catch (Exception e)
        {
            failures.Enqueue($"{what}: no answer ({e.GetType().Name}: {e.Message} {e.InnerException?.Message})");
            return 0;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (status == 200 && mediaType == "text/event-stream")
            {
                return status; // a live stream: the headers are the answer
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (request.RequestUri!.AbsolutePath.StartsWith("/nexo/", StringComparison.Ordinal))
            {
                if (NexoBroke(status, mediaType, body) is { } broke) failures.Enqueue($"{what}: {broke}: {Truncated(body)}");
            }
            else if (status >= 500)
            {
                failures.Enqueue($"{what}: {status} {Truncated(body)}");
            }
            else if (status >= 400 && (mediaType != "application/problem+json" || !HasCode(body))
                && !RefusedByKestrel(request, status, body))
            {
                failures.Enqueue($"{what}: {status} as {mediaType ?? "no content type"} without a code: {Truncated(body)}");
            }

            if (Leak().Match(body) is { Success: true } leak)
            {
                failures.Enqueue($"{what}: {status} shows '{leak.Value}': {Truncated(body)}");
            }

            return status;
        }
    }

    /// <summary>nexo's rules: a nexo message (or nothing, for Abort) with 200, or a bare status (401, 413, 429), never a 5xx nor problem
    /// details.</summary>
    private static string? NexoBroke(int status, string? mediaType, string body)
    {
        if (status is 401 or 413 or 429) return body.Length == 0 ? null : $"{status} with a body";
        if (status != 200) return $"{status} on a nexo route";
        if (body.Length == 0) return null;
        try
        {
            return mediaType == "application/json" && JsonNode.Parse(body) is JsonObject { Count: 1 } message
                && (message.ContainsKey("SaleToPOIResponse") || message.ContainsKey("SaleToPOIRequest")) ? null : "200 that is not a nexo message";
        }
        catch (System.Text.Json.JsonException)
        {
            return "200 that is not JSON";
        }
    }

    // Kestrel itself refuses a path that decodes to a NUL, with an empty 400, before any of the relay's code runs.
    private static bool RefusedByKestrel(HttpRequestMessage request, int status, string body) =>
        status == 400 && body.Length == 0 && request.RequestUri!.OriginalString.Split('?')[0].Contains("%00", StringComparison.Ordinal);

    private static bool HasCode(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["code"] is JsonValue code && code.TryGetValue<string>(out var text) && text.Length > 0;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    // A stack frame, an exception or framework type, or SQL text.
    [GeneratedRegex(@"\bat [A-Z][\w.]+\(|Exception\b|\bSystem\.[A-Z]|Npgsql|Microsoft\.[A-Z]|" +
        @"\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\bWHERE\b")]
    private static partial Regex Leak();

    private static string Truncated(string body) => body.Length > 300 ? body[..300] + "…" : body;

    /// <summary>A merchant with a terminal and a webhook endpoint (real ids to aim at), and a key of theirs that was revoked.</summary>
    private async Task<FuzzWorld> WorldAsync()
    {
        using var admin = relay.Admin();
        var account = await admin.PostJson("/api/v1/accounts", new { name = "Fuzzed merchant" }).Expect(201);
        var revoked = await admin.PostJson($"/api/v1/accounts/{account.Str("id")}/api-keys", new { }).Expect(201);
        await admin.DeleteAsync($"/api/v1/accounts/{account.Str("id")}/api-keys/{revoked.Str("id")}");
        using var merchant = relay.Client(account.Str("apiKey"));
        var terminal = await merchant.PostJson("/api/v1/terminals", new { label = "Fuzzed" }).Expect(201);
        var webhook = await merchant.PostJson("/api/v1/webhook-endpoints",
            new { url = "https://example.com/hooks", events = new[] { "transaction.updated" } }).Expect(201);
        var ids = new Dictionary<string, string>
        {
            ["/api/v1/accounts/{id}:id"] = account.Str("id"),
            ["/api/v1/accounts/{id}/api-keys:id"] = account.Str("id"),
            ["/api/v1/terminals/{id}:id"] = terminal.Str("id"),
            ["/api/v1/terminals/{id}/activation-code:id"] = terminal.Str("id"),
            ["/api/v1/webhook-endpoints/{id}:id"] = webhook.Str("id"),
            ["/api/v1/webhook-endpoints/{id}/deliveries:id"] = webhook.Str("id"),
            ["/api/v1/registers/{registerId}/pairing:registerId"] = "till-1",
            ["/api/v1/registers/{registerId}/transactions/last:registerId"] = "till-1",
        };
        return new FuzzWorld(account.Str("apiKey"), RelayFactory.AdminKey, revoked.Str("apiKey"), ids);
    }
}
