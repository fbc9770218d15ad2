using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Relay.Faults;

/// <summary>
/// A POS as integrators write one: every call retried with the same Idempotency-Key until the relay answers,
/// whatever fails in between (connection refused or reset, 503, a hung instance timing out).
/// </summary>
public sealed class Pos(Uri baseAddress, string apiKey)
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5),
        DefaultRequestHeaders = { { "Authorization", "Bearer " + apiKey } },
    };

    public async Task<string> PurchaseAsync(string registerId, long amount, string key, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transactions")
                {
                    Content = JsonContent.Create(
                        new { registerId, type = "purchase", amount, currency = "NZD", reference = key, expiresInSeconds = 120 }),
                    Headers = { { "Idempotency-Key", key } },
                };
                using var response = await _http.SendAsync(request, ct);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    return (string)(await response.Content.ReadFromJsonAsync<JsonNode>(ct))!["id"]!;
                }

                if ((int)response.StatusCode is >= 400 and < 500)
                {
                    throw new InvalidOperationException(
                        $"the relay refused the payment: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }

            await Task.Delay(200, ct);
        }
    }

    /// <summary>The transaction as the relay reports it, or null when no instance answered this time.</summary>
    /// <summary>The status a GET of the transaction answers, and whether it said when to retry (Retry-After).</summary>
    public async Task<(int Status, bool RetryAfter)> ProbeAsync(string id)
    {
        try
        {
            using var response = await _http.GetAsync($"/api/v1/transactions/{id}");
            return ((int)response.StatusCode, response.Headers.RetryAfter is not null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (0, false);
        }
    }

    public async Task<JsonNode?> GetAsync(string id, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync($"/api/v1/transactions/{id}", ct);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonNode>(ct) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<JsonNode> PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
