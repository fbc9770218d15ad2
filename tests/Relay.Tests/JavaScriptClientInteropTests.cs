using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// A terminal written with the official SignalR JavaScript client (@microsoft/signalr, run by node from tests/interop),
/// not with this project's SDK, over a real socket: the relay works for terminal apps nobody here wrote.
/// </summary>
public sealed class JavaScriptClientInteropTests(KestrelRelayFixture relay) : IClassFixture<KestrelRelayFixture>
{
    [Theory]
    [InlineData("direct")]    // WebSockets, skipNegotiation, bearer header
    [InlineData("negotiate")] // negotiate POST with the bearer, then the WebSocket
    [InlineData("query")]     // ?access_token= on the hub URL, as browsers send it
    public async Task JavaScriptTerminalPairsAndApprovesAPurchaseEndToEnd(string connect)
    {
        var merchant = await NewMerchantAsync();
        var (terminalId, deviceToken) = await NewActivatedTerminalAsync(merchant);

        await using var terminal = NodeTerminal.Start(relay.Url, deviceToken, connect);
        await terminal.Next("connected");
        var code = (await terminal.Next("pairing-code")).Str("code");

        var pairing = await merchant.PostJson("/api/v1/pairings",
            new { pairingCode = code, registerId = "till-1", registerName = "Till 1" }).Expect(201);
        Assert.Equal(terminalId, pairing.Str("terminalId"));
        var change = await terminal.Next("pairing-changed");
        Assert.Equal("till-1", change.Str("registerId"));
        Assert.True((bool)change["paired"]!);

        var terminalView = await merchant.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200);
        Assert.True((bool)terminalView["online"]!, terminalView.ToJsonString());

        var transaction = await Purchase(merchant, "till-1", 1250, wait: 20).Expect(201);

        Assert.True(transaction.Str("status") == "approved", $"{transaction.ToJsonString()}\n{terminal.Transcript}");
        Assert.Equal(terminalId, transaction.Str("terminalId"));
        Assert.True((bool)transaction["terminalOnline"]!);
        var result = transaction["result"]!;
        Assert.Equal("approved", result.Str("outcome"));
        Assert.Equal("00", result.Str("responseCode"));
        Assert.Equal("Approved", result.Str("responseText"));
        Assert.Equal("JS1234", result.Str("authCode"));
        Assert.Equal(1250, (long)result["amountAuthorised"]!);

        var start = await terminal.Next("start-transaction");
        Assert.Equal(transaction.Str("id"), start.Str("id"));
        Assert.Equal("purchase", start.Str("type"));
        Assert.Equal(1250, (long)start["amount"]!);
        Assert.Equal("NZD", start.Str("currency"));
        Assert.Equal("till-1", start.Str("registerId"));
        Assert.Equal("in_progress", (await terminal.Next("started")).Str("status"));
        var completed = await terminal.Next("completed");
        Assert.True((bool)completed["accepted"]!);
        Assert.Equal("approved", completed.Str("status"));
    }

    [Fact]
    public async Task JavaScriptTerminalGetsThePurchaseMadeWhileItWasOfflineWhenItConnects()
    {
        var merchant = await NewMerchantAsync();
        var (terminalId, deviceToken) = await NewActivatedTerminalAsync(merchant);
        await using (var first = NodeTerminal.Start(relay.Url, deviceToken))
        {
            var code = (await first.Next("pairing-code")).Str("code");
            await merchant.PostJson("/api/v1/pairings", new { pairingCode = code, registerId = "till-1" }).Expect(201);
            await first.StopAsync();
        }

        await Scenario.Eventually(async () => !(bool)(await merchant.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200))["online"]!,
            "the relay sees the JavaScript terminal offline");
        var created = await Purchase(merchant, "till-1", 990).Expect(201);
        Assert.Equal("pending", created.Str("status"));
        Assert.False((bool)created["terminalOnline"]!);

        await using var terminal = NodeTerminal.Start(relay.Url, deviceToken);
        var start = await terminal.Next("start-transaction");
        Assert.Equal(created.Str("id"), start.Str("id"));
        Assert.Equal(990, (long)start["amount"]!);

        var transaction = await merchant.GetWaiting($"/api/v1/transactions/{created.Str("id")}", 20).Expect(200);
        Assert.True(transaction.Str("status") == "approved", $"{transaction.ToJsonString()}\n{terminal.Transcript}");
        Assert.Equal("JS1234", transaction["result"]!.Str("authCode"));
        Assert.Equal(990, (long)transaction["result"]!["amountAuthorised"]!);
        Assert.NotNull(transaction["deliveredAt"]);
        Assert.True((bool)(await terminal.Next("completed"))["accepted"]!);
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("negotiate")]
    [InlineData("query")]
    public async Task JavaScriptTerminalWithAnUnknownDeviceTokenIsRefused(string connect)
    {
        await using var terminal = NodeTerminal.Start(relay.Url, "rdt_not-a-real-device-token", connect);

        var error = await terminal.Next("error");

        Assert.Equal(1, await terminal.ExitCodeAsync());
        if (connect == "negotiate")
        {
            // Over a WebSocket the client only says it failed to connect; the negotiate POST shows the 401 itself.
            Assert.True(error.Str("message").Contains("401"), terminal.Transcript);
        }
    }

    [Fact]
    public async Task AJavaScriptTerminalReportsAStandaloneSaleAndASettlement()
    {
        var merchant = await NewMerchantAsync();
        var (terminalId, deviceToken) = await NewActivatedTerminalAsync(merchant);
        await using var terminal = NodeTerminal.Start(relay.Url, deviceToken);
        await terminal.Next("connected");

        await terminal.SendAsync("sale JS-1 1250");
        var reported = await terminal.Next("reported");
        Assert.True((bool)reported["accepted"]!, terminal.Transcript);
        await terminal.SendAsync("sale JS-1 1250"); // a retry: the same transaction
        Assert.Equal(reported.Str("transactionId"), (await terminal.Next("reported")).Str("transactionId"));
        var sale = await merchant.GetAsync($"/api/v1/transactions/{reported.Str("transactionId")}").Expect(200);
        Assert.Equal(("terminal", "approved", terminalId), (sale.Str("origin"), sale.Str("status"), sale.Str("terminalId")));

        await terminal.SendAsync("settle JS-B1");
        var settled = await terminal.Next("settled");
        Assert.True((bool)settled["accepted"]!, terminal.Transcript);
        var settlement = await merchant.GetAsync($"/api/v1/settlements/{settled.Str("settlementId")}").Expect(200);
        Assert.Equal("JS-B1", settlement.Str("batchId"));
    }

    [Fact]
    public async Task AJavaScriptTerminalAnswersEveryKindOfTerminalAction()
    {
        var merchant = await NewMerchantAsync();
        var (terminalId, deviceToken) = await NewActivatedTerminalAsync(merchant);
        await using var terminal = NodeTerminal.Start(relay.Url, deviceToken);
        await terminal.Next("connected");
        await merchant.UntilOnlineAsync(terminalId);

        async Task<System.Text.Json.Nodes.JsonNode> Act(object body) =>
            await merchant.PostJson($"/api/v1/terminals/{terminalId}/actions", body, Guid.NewGuid().ToString(), 20).Expect(201);

        var ping = await Act(new { type = "ping" });
        Assert.True(ping.Str("status") == "succeeded", $"{ping.ToJsonString()}\n{terminal.Transcript}");
        Assert.Equal("interop", (string?)ping["result"]!["appVersion"]);
        var start = await terminal.Next("start-action");
        Assert.Equal(ping.Str("id"), start.Str("id"));
        Assert.True((bool)(await terminal.Next("action-completed"))["accepted"]!);

        var inputs = await Act(new
        {
            type = "collect_inputs",
            inputs = new object[]
            {
                new { id = "email", kind = "email", prompt = "Email?" },
                new { id = "size", kind = "selection", prompt = "Size?", choices = new[] { "Small", "Large" } },
            },
        });
        Assert.True(inputs.Str("status") == "succeeded", $"{inputs.ToJsonString()}\n{terminal.Transcript}");
        Assert.Equal(2, inputs["result"]!["inputs"]!.AsArray().Count);
        Assert.Equal("size", (string?)inputs["result"]!["inputs"]![1]!["id"]);

        foreach (var body in new object[]
        {
            new { type = "display", display = new { text = "Welcome" } }, new { type = "clear_display" },
            new { type = "print", print = new { text = "Voucher" } },
            new { type = "show_qr", qr = new { data = "https://pay.example.com/1" } },
        })
        {
            var action = await Act(body);
            Assert.True(action.Str("status") == "succeeded", $"{action.ToJsonString()}\n{terminal.Transcript}");
        }
    }

    private async Task<HttpClient> NewMerchantAsync() => (await relay.NewMerchantAsync("JS interop")).Http;

    private async Task<(string TerminalId, string DeviceToken)> NewActivatedTerminalAsync(HttpClient merchant)
    {
        var created = await merchant.PostJson("/api/v1/terminals", new { label = "JS terminal" }).Expect(201);
        var activation = await relay.Client().PostJson("/api/v1/terminal-activations",
            new { activationCode = created.Str("activationCode"), serialNumber = "JS-" + Guid.NewGuid().ToString("N")[..8], model = "node",
                appVersion = "interop" })
            .Expect(200);
        Assert.Equal(created.Str("id"), activation.Str("terminalId"));
        Assert.Equal("/hubs/terminal", activation.Str("hubPath"));
        return (activation.Str("terminalId"), activation.Str("deviceToken"));
    }

    private static Task<HttpResponseMessage> Purchase(HttpClient merchant, string registerId, long amount, int? wait = null) =>
        merchant.PostJson("/api/v1/transactions", new { registerId, type = "purchase", amount, currency = "NZD" },
            Guid.NewGuid().ToString(), wait);
}
