using System.Diagnostics;
using System.Text.Json.Nodes;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>Signed webhooks per Standard Webhooks, to a real HTTP receiver on loopback (allowed for this relay).</summary>
public sealed class WebhookTests(WebhookTests.Fixture relay) : IClassFixture<WebhookTests.Fixture>, IAsyncLifetime
{
    public sealed class Fixture() : RelayFixture(WebhookSettings())
    {
        /// <summary>Deliveries to loopback receivers, polled and retried fast; for other fixtures that deliver webhooks too.</summary>
        internal static Dictionary<string, string> WebhookSettings()
        {
            var settings = new Dictionary<string, string>
            {
                ["Relay:Webhooks:AllowPrivateNetworks"] = "true",
                ["Relay:Webhooks:PollInterval"] = "00:00:00.050",
                // A loopback receiver answers at once, but a busy test machine can stall for seconds: an answer after the
                // timeout would count as a failed attempt and be delivered again, shifting what the tests count.
                ["Relay:Webhooks:Timeout"] = "00:00:10",
                ["Relay:Webhooks:Lease"] = "00:00:15", // longer than the timeout, as it must be
            };
            for (var i = 0; i < 60; i++) settings[$"Relay:Webhooks:RetryDelays:{i}"] = "00:00:00.200";
            return settings;
        }
    }

    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task PaymentEventsArriveSignedPerStandardWebhooks()
    {
        var merchant = await relay.NewMerchantAsync();
        var endpoint = await CreateEndpointAsync(merchant, "/payments", "transaction.updated");
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250, wait: 30).Expect(201)).Str("id");

        var hooks = await ReceivedAsync("/payments", 4);
        Assert.All(hooks, h => Assert.True(StandardWebhooks.Verify(endpoint.Str("secret"), h, DateTimeOffset.UtcNow),
            $"signature does not verify: {h}"));
        var events = hooks.Select(h => JsonNode.Parse(h.Body)!).OrderBy(e => (long)e["id"]!).ToList();
        Assert.All(events, e => Assert.Equal("transaction.updated", e.Str("type")));
        Assert.All(events, e => Assert.Equal(id, e.Str("transactionId")));
        Assert.Equal(["pending", "delivered", "in_progress", "approved"], events.Select(e => e["data"]!.Str("status")));
        Assert.Equal(4, hooks.Select(h => h.Id).Distinct().Count());
        // The body is the event exactly as the history serves it.
        var history = (await merchant.Http.GetAsync("/api/v1/events?type=transaction.updated").Expect(200))["items"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(history[^1], events[^1]));
        Assert.False(StandardWebhooks.Verify("whsec_" + Convert.ToBase64String(new byte[32]), hooks[0], DateTimeOffset.UtcNow),
            "any key verifies");
    }

    [Fact]
    public async Task ReceiverFailingTwiceGetsThreeAttemptsWithOneWebhookId()
    {
        var merchant = await relay.NewMerchantAsync();
        var endpoint = await CreateEndpointAsync(merchant, "/flaky", "pairing.changed");
        _receiver.Script("/flaky", 500, 500, 200);
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        var hooks = await ReceivedAsync("/flaky", 3);
        Assert.Single(hooks.Select(h => h.Id).Distinct());
        Assert.Single(hooks.Select(h => h.Body).Distinct());
        Assert.Equal([500, 500, 200], hooks.Select(h => h.AnsweredWith));
        Assert.All(hooks, h => Assert.True(StandardWebhooks.Verify(endpoint.Str("secret"), h, DateTimeOffset.UtcNow)));

        JsonNode delivery = null!;
        await Scenario.Eventually(async () =>
        {
            delivery = (await merchant.Http.GetAsync($"/api/v1/webhook-endpoints/{endpoint.Str("id")}/deliveries")
                .Expect(200))["items"]![0]!;
            return delivery.Str("status") == "succeeded";
        }, "the delivery is recorded as succeeded");
        Assert.Equal(hooks[0].Id, delivery.Str("id"));
        Assert.Equal(3, (int)delivery["attemptCount"]!);
        var attempts = delivery["attempts"]!.AsArray();
        Assert.Equal([500, 500, 200], attempts.Select(a => (int)a!["statusCode"]!));
        Assert.Equal([1, 2, 3], attempts.Select(a => (int)a!["number"]!));
        Assert.All(attempts, a => Assert.True((int)a!["durationMs"]! >= 0));
    }

    [Fact]
    public async Task ReceiverAnswering410DisablesTheEndpoint()
    {
        var merchant = await relay.NewMerchantAsync();
        var endpoint = await CreateEndpointAsync(merchant, "/gone", "terminal.online");
        _receiver.Script("/gone", 410);
        await using var first = await relay.NewTerminalAsync(merchant, simulate: false);
        await ReceivedAsync("/gone", 1);

        await Scenario.Eventually(async () =>
            !(bool)(await merchant.Http.GetAsync($"/api/v1/webhook-endpoints/{endpoint.Str("id")}").Expect(200))["enabled"]!,
            "the endpoint is disabled");
        await using var second = await relay.NewTerminalAsync(merchant, simulate: false);
        await Task.Delay(500); // time for a delivery that should not happen
        Assert.Single(_receiver.At("/gone"));
        var view = await merchant.Http.GetAsync($"/api/v1/webhook-endpoints/{endpoint.Str("id")}").Expect(200);
        Assert.Contains("410", view.Str("disabledReason"));
    }

    [Fact]
    public async Task DeliveriesPendingWhenTheRelayRestartsAreStillDelivered()
    {
        var merchant = await relay.NewMerchantAsync();
        await CreateEndpointAsync(merchant, "/down", "pairing.changed");
        _receiver.Script("/down", 503, 503);
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await ReceivedAsync("/down", 1);

        await relay.RestartAsync();

        var hooks = await ReceivedAsync("/down", 3);
        Assert.Equal(200, hooks[^1].AnsweredWith);
        Assert.Single(hooks.Select(h => h.Id).Distinct());
    }

    [Fact]
    public async Task CallbackUrlGetsTheTransactionsEventsSignedWithTheCallbackSecret()
    {
        var merchant = await relay.NewMerchantAsync();
        var secret = (await merchant.Http.GetAsync("/api/v1/callback-secret").Expect(200)).Str("secret");
        Assert.Equal(secret, (await merchant.Http.GetAsync("/api/v1/callback-secret").Expect(200)).Str("secret"));
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(terminal, "till-1");

        var id = (await merchant.Http.PostJson("/api/v1/transactions",
            new { registerId = "till-1", type = "purchase", amount = 1250, currency = "NZD",
                callbackUrl = _receiver.BaseUrl + "/callback" },
            Guid.NewGuid().ToString(), wait: 30).Expect(201)).Str("id");

        var hooks = await ReceivedAsync("/callback", 4);
        Assert.All(hooks, h => Assert.True(StandardWebhooks.Verify(secret, h, DateTimeOffset.UtcNow)));
        Assert.All(hooks, h => Assert.Equal(id, JsonNode.Parse(h.Body)!.Str("transactionId")));

        var rotated = (await merchant.Http.PostAsync("/api/v1/callback-secret/rotate", null).Expect(200)).Str("secret");
        Assert.NotEqual(secret, rotated);
        await merchant.Http.PostJson("/api/v1/transactions",
            new { registerId = "till-1", type = "purchase", amount = 1300, currency = "NZD",
                callbackUrl = _receiver.BaseUrl + "/callback" },
            Guid.NewGuid().ToString(), wait: 30).Expect(201);
        var next = (await ReceivedAsync("/callback", 8)).Skip(4).ToList();
        Assert.All(next, h => Assert.True(StandardWebhooks.Verify(rotated, h, DateTimeOffset.UtcNow)));
        Assert.All(next, h => Assert.False(StandardWebhooks.Verify(secret, h, DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task TheReferenceStandardWebhooksLibraryVerifiesADelivery()
    {
        var merchant = await relay.NewMerchantAsync();
        var endpoint = await CreateEndpointAsync(merchant, "/reference", "terminal.online");
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var hook = (await ReceivedAsync("/reference", 1))[0];

        Assert.Equal(0, RunVerifier(endpoint.Str("secret"), hook, out var output));
        Assert.Equal($"verified {JsonNode.Parse(hook.Body)!["id"]} terminal.online", output.Trim());
        Assert.Equal(1, RunVerifier(endpoint.Str("secret"),
            hook with { Body = hook.Body.Replace("terminal.online", "terminal.offline") }, out _));
    }

    [Fact]
    public async Task EndpointsAreValidatedListedDeletedAndScopedToTheAccount()
    {
        var merchant = await relay.NewMerchantAsync();
        var stranger = await relay.NewMerchantAsync();
        await merchant.Http.PostJson("/api/v1/webhook-endpoints", new { url = "ftp://example.com/x" })
            .ExpectProblem(400, "validation-failed");
        await merchant.Http.PostJson("/api/v1/webhook-endpoints", new { events = new[] { "transaction.updated" } })
            .ExpectProblem(400, "validation-failed");
        var problem = await merchant.Http.PostJson("/api/v1/webhook-endpoints",
                new { url = _receiver.BaseUrl + "/x", events = new[] { "transaction.exploded" } })
            .ExpectProblem(400, "validation-failed");
        Assert.NotNull(problem["errors"]!["events"]);

        var all = await CreateEndpointAsync(merchant, "/all");
        Assert.Empty(all["events"]!.AsArray());
        Assert.StartsWith("whsec_", all.Str("secret"));
        Assert.True(Convert.FromBase64String(all.Str("secret")["whsec_".Length..]).Length >= 24);
        var listed = (await merchant.Http.GetAsync("/api/v1/webhook-endpoints").Expect(200))["items"]!.AsArray();
        Assert.Equal(all.Str("id"), Assert.Single(listed)!.Str("id"));
        Assert.Null(listed[0]!["secret"]);

        var path = $"/api/v1/webhook-endpoints/{all.Str("id")}";
        await stranger.Http.GetAsync(path).ExpectProblem(404, "not-found");
        await stranger.Http.GetAsync(path + "/deliveries").ExpectProblem(404, "not-found");
        await stranger.Http.DeleteAsync(path).ExpectProblem(404, "not-found");
        Assert.Empty((await stranger.Http.GetAsync("/api/v1/webhook-endpoints").Expect(200))["items"]!.AsArray());
        await merchant.Http.DeleteAsync(path).Expect(204);
        await merchant.Http.GetAsync(path).ExpectProblem(404, "not-found");
    }

    private async Task<JsonNode> CreateEndpointAsync(Merchant merchant, string path, params string[] events) =>
        await merchant.Http.PostJson("/api/v1/webhook-endpoints", new { url = _receiver.BaseUrl + path, events }).Expect(201);

    private async Task<IReadOnlyList<ReceivedWebhook>> ReceivedAsync(string path, int count)
    {
        await Scenario.Eventually(() => Task.FromResult(_receiver.At(path).Count >= count), $"{count} deliveries reached {path}");
        return _receiver.At(path);
    }

    private static int RunVerifier(string secret, ReceivedWebhook hook, out string output)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, new JsonObject
        {
            ["headers"] = new JsonObject
            {
                ["webhook-id"] = hook.Id, ["webhook-timestamp"] = hook.Timestamp, ["webhook-signature"] = hook.Signature
            },
            ["body"] = hook.Body,
        }.ToJsonString());
        try
        {
            var library = Path.Combine(NodeTerminal.InteropDirectory, "node_modules", "standardwebhooks", "package.json");
            Assert.True(File.Exists(library),
                "run `npm ci --prefix tests/interop` (scripts/test.sh does) for the Standard Webhooks library");
            var info = new ProcessStartInfo("node", [Path.Combine(NodeTerminal.InteropDirectory, "verify-webhook.mjs"), secret, file])
            {
                RedirectStandardOutput = true, WorkingDirectory = NodeTerminal.InteropDirectory,
            };
            using var node = Process.Start(info)!;
            output = node.StandardOutput.ReadToEnd();
            node.WaitForExit();
            return node.ExitCode;
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>Without the private-network switch, webhook and callback URLs on the relay's own networks are refused.</summary>
public sealed class WebhookUrlSafetyTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("http://localhost/hooks")]
    [InlineData("http://10.1.2.3/hooks")]
    [InlineData("http://192.168.1.20/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hooks")]
    [InlineData("http://[fd00::5]/hooks")]
    public async Task PrivateAddressesAreRefusedForEndpointsAndCallbacks(string url)
    {
        var merchant = await relay.NewMerchantAsync();
        var problem = await merchant.Http.PostJson("/api/v1/webhook-endpoints", new { url }).ExpectProblem(400, "validation-failed");
        Assert.NotNull(problem["errors"]!["url"]);

        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var callback = await merchant.Http.PostJson("/api/v1/transactions",
            new { registerId = "till-1", type = "purchase", amount = 100, currency = "NZD", callbackUrl = url }, Guid.NewGuid().ToString())
            .ExpectProblem(400, "validation-failed");
        Assert.NotNull(callback["errors"]!["callbackUrl"]);
        Assert.Empty((await merchant.Http.GetAsync("/api/v1/transactions").Expect(200))["items"]!.AsArray());
    }

    [Fact]
    public async Task APublicAddressIsAccepted()
    {
        var merchant = await relay.NewMerchantAsync();
        await merchant.Http.PostJson("/api/v1/webhook-endpoints", new { url = "https://93.184.215.14/hooks" }).Expect(201);
    }
}
