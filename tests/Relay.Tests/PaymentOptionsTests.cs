using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>Payment options to the terminal and the richer results back, with a raw SignalR client as the terminal.</summary>
public sealed class PaymentOptionsTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private async Task<(HubConnection Hub, Channel<JsonObject> Starts, Merchant Merchant)> TerminalAsync()
    {
        var merchant = await relay.NewMerchantAsync();
        var starts = Channel.CreateUnbounded<JsonObject>();
        // Pending work is re-sent every few seconds until acknowledged, so a slow machine can deliver a transaction twice: the
        // test sees each once (the client runs handlers one at a time).
        var seen = new HashSet<string>();
        var (hub, _) = await relay.ConnectNewAsync(merchant,
            h => h.On<JsonObject>("StartTransaction", t => _ = seen.Add((string)t["id"]!) && starts.Writer.TryWrite(t)));
        await hub.PairAsync(merchant, "till-1");
        return (hub, starts, merchant);
    }

    private static async Task<string> TakeAsync(HubConnection hub, Channel<JsonObject> starts)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Scenario.Patience));
        var id = (string)(await starts.Reader.ReadAsync(timeout.Token))["id"]!;
        await hub.InvokeAsync<JsonObject>("TransactionReceived", id);
        await hub.InvokeAsync<JsonObject>("TransactionStarted", id);
        return id;
    }

    private static Task<HttpResponseMessage> Pay(Merchant merchant, long amount, object options) =>
        merchant.Http.PostJson("/api/v1/transactions",
            new { registerId = "till-1", type = "purchase", amount, currency = "NZD", options }, Guid.NewGuid().ToString());

    [Fact]
    public async Task TheOptionsReachTheTerminalAndATipChosenThereIsRecorded()
    {
        var (hub, starts, merchant) = await TerminalAsync();
        await using var _ = hub;
        var created = await Pay(merchant, 2000, new
        {
            tipping = new { onTerminal = true, percentages = new[] { 10, 15, 20 }, allowCustom = true },
            paymentMethods = new[] { "card", "qr" }, customerCancellation = true, printReceipt = "pos",
        }).Expect(201);
        Assert.Equal(15, (int)created["options"]!["tipping"]!["percentages"]![1]!);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Scenario.Patience));
        var start = await starts.Reader.ReadAsync(timeout.Token);
        Assert.Equal(20, (int)start["options"]!["tipping"]!["percentages"]![2]!);
        Assert.Equal("pos", (string?)start["options"]!["printReceipt"]);
        Assert.Equal("qr", (string?)start["options"]!["paymentMethods"]![1]);
        var id = (string)start["id"]!;
        await hub.InvokeAsync<JsonObject>("TransactionReceived", id);
        var ack = await hub.InvokeAsync<JsonObject>("CompleteTransaction", new
        {
            transactionId = id, outcome = "approved", responseCode = "00", tipAmount = 200, amountAuthorised = 2200, paymentMethod = "card",
        });
        Assert.True((bool)ack["accepted"]!);
        var ended = await merchant.GetTransactionAsync(id);
        Assert.Equal("approved", ended.Str("status"));
        Assert.Equal(200, (long)ended["result"]!["tipAmount"]!);
        Assert.Equal(2200, (long)ended["result"]!["amountAuthorised"]!);
        Assert.Equal("card", (string?)ended["result"]!["paymentMethod"]);
        Assert.Null(ended["result"]!["partial"]);
    }

    [Fact]
    public async Task APartialApprovalIsApprovedAndMarkedWhereAllowed()
    {
        var (hub, starts, merchant) = await TerminalAsync();
        await using var _ = hub;
        await Pay(merchant, 5055, new { allowPartialAuthorisation = true }).Expect(201);
        var id = await TakeAsync(hub, starts);

        var ack = await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new { transactionId = id, outcome = "approved", responseCode = "10", amountAuthorised = 2527 });
        Assert.True((bool)ack["accepted"]!);
        var ended = await merchant.GetTransactionAsync(id);
        Assert.Equal("approved", ended.Str("status"));
        Assert.True((bool)ended["result"]!["partial"]!); // marked by the relay, though the terminal did not say
        Assert.Equal(2527, (long)ended["result"]!["amountAuthorised"]!);
    }

    [Fact]
    public async Task APartialApprovalThatWasNotAllowedIsRefusedAndTheTerminalsReversalEndsIt()
    {
        var (hub, starts, merchant) = await TerminalAsync();
        await using var _ = hub;
        await Pay(merchant, 5055, new { allowPartialAuthorisation = false }).Expect(201);
        var id = await TakeAsync(hub, starts);

        var refused = await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new { transactionId = id, outcome = "approved", responseCode = "10", amountAuthorised = 2527, partial = true });
        Assert.False((bool)refused["accepted"]!);
        Assert.Equal("in_progress", (string?)refused["status"]);
        Assert.Equal("in_progress", (await merchant.GetTransactionAsync(id)).Str("status"));

        var reversed = await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new { transactionId = id, outcome = "declined", responseCode = "PA", responseText = "Partial approval not allowed; reversed" });
        Assert.True((bool)reversed["accepted"]!);
        Assert.Equal("declined", (await merchant.GetTransactionAsync(id)).Str("status"));
    }

    [Fact]
    public async Task AnApprovalMissingTheCashOutIsPartialAndARefundsAuthorisationIsNot()
    {
        var (hub, starts, merchant) = await TerminalAsync();
        await using var _ = hub;
        await merchant.Http.PostJson("/api/v1/transactions",
            new { registerId = "till-1", type = "purchase", amount = 1000, cashOutAmount = 2000, currency = "NZD" },
            Guid.NewGuid().ToString()).Expect(201);
        var id = await TakeAsync(hub, starts);
        var refused = await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new { transactionId = id, outcome = "approved", amountAuthorised = 1000 }); // the cash out was not authorised
        Assert.False((bool)refused["accepted"]!);
        Assert.True((bool)(await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new { transactionId = id, outcome = "approved", amountAuthorised = 3000 }))["accepted"]!);

        await merchant.Http.PostJson("/api/v1/transactions", new { registerId = "till-1", type = "refund", amount = 500, currency = "NZD" },
            Guid.NewGuid().ToString()).Expect(201);
        var refund = await TakeAsync(hub, starts);
        Assert.True((bool)(await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new { transactionId = refund, outcome = "approved", amountAuthorised = 0 }))["accepted"]!);
        Assert.Null((await merchant.GetTransactionAsync(refund))["result"]!["partial"]);
    }

    [Fact]
    public async Task AQuestionQueuedBeforeAPaymentIsNotDeliveredDuringIt()
    {
        var merchant = await relay.NewMerchantAsync();
        var (terminalId, deviceToken) = await relay.ActivateNewAsync(merchant);
        var question = await merchant.Http.PostJson($"/api/v1/terminals/{terminalId}/actions",
            new { type = "collect_inputs", queueIfOffline = true, inputs = new[] { new { id = "ok", kind = "confirm", prompt = "OK?" } } },
            Guid.NewGuid().ToString()).Expect(201);
        Assert.Equal(60, (int)question["request"]!["timeoutSeconds"]!); // the default
        var starts = Channel.CreateUnbounded<JsonObject>();
        await using var hub = await relay.ConnectRawAsync(deviceToken,
            h => h.On<JsonObject>("StartTransaction", t => starts.Writer.TryWrite(t)));
        await hub.PairAsync(merchant, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        await TakeAsync(hub, starts);

        Assert.False((bool)(await hub.InvokeAsync<JsonObject>("ActionReceived", question.Str("id")))["proceed"]!);
        Assert.Equal("pending", (await merchant.Http.GetAsync($"/api/v1/terminal-actions/{question.Str("id")}").Expect(200)).Str("status"));
    }

    [Fact]
    public async Task AQrWalletPaymentIsRecordedWithItsWallet()
    {
        var (hub, starts, merchant) = await TerminalAsync();
        await using var _ = hub;
        await Pay(merchant, 1257, new { paymentMethods = new[] { "qr", "wallet" } }).Expect(201);
        var id = await TakeAsync(hub, starts);

        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new { transactionId = id, outcome = "approved", amountAuthorised = 1257, paymentMethod = "barter" }));
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new { transactionId = id, outcome = "approved", amountAuthorised = -5, paymentMethod = "qr" }));
        var ack = await hub.InvokeAsync<JsonObject>("CompleteTransaction",
            new { transactionId = id, outcome = "approved", amountAuthorised = 1257, paymentMethod = "qr", wallet = "alipay" });
        Assert.True((bool)ack["accepted"]!);
        var ended = await merchant.GetTransactionAsync(id);
        Assert.Equal("qr", (string?)ended["result"]!["paymentMethod"]);
        Assert.Equal("alipay", (string?)ended["result"]!["wallet"]);
    }

    [Fact]
    public async Task BadOptionsAreRefusedFieldByField()
    {
        var merchant = await relay.NewMerchantAsync();
        var problem = await merchant.Http.PostJson("/api/v1/transactions", new
        {
            registerId = "till-1", type = "refund", amount = 100, currency = "NZD",
            options = new
            {
                tipping = new { onTerminal = true, percentages = new[] { 0, 10, 20, 30, 40 } }, allowPartialAuthorisation = true,
                paymentMethods = new[] { "card", "card" }, surchargeAmount = -1, printReceipt = "fax",
            },
        }, Guid.NewGuid().ToString()).ExpectProblem(400, "validation-failed");
        var errors = problem["errors"]!.AsObject();
        string[] fields = ["options.tipping", "options.tipping.percentages", "options.allowPartialAuthorisation", "options.paymentMethods",
            "options.surchargeAmount", "options.printReceipt"];
        foreach (var field in fields)
        {
            Assert.True(errors.ContainsKey(field), $"{field} missing from {errors.ToJsonString()}");
        }
    }
}

/// <summary>The payment options with the SDK and the simulator as the terminal (amounts ending 55, 56, 57).</summary>
public sealed class SimulatedPaymentOptionsTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private async Task<(Merchant Merchant, TestTerminal Terminal)> PairedAsync()
    {
        var merchant = await relay.NewMerchantAsync();
        var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1", "Till 1");
        return (merchant, terminal);
    }

    private static Task<JsonNode> PayAsync(Merchant merchant, long amount, object? options) =>
        merchant.Http.PostJson("/api/v1/transactions", new { registerId = "till-1", type = "purchase", amount, currency = "NZD", options },
            Guid.NewGuid().ToString(), 30).Expect(201);

    [Fact]
    public async Task A55IsApprovedInPartWhereAllowedAndReversedToADeclineWhereNot()
    {
        var (merchant, terminal) = await PairedAsync();
        await using var _ = terminal;

        var allowed = await PayAsync(merchant, 5055, new { allowPartialAuthorisation = true });
        Assert.True(allowed.Str("status") == "approved", terminal.Output.ToString());
        Assert.True((bool)allowed["result"]!["partial"]!);
        Assert.Equal(2527, (long)allowed["result"]!["amountAuthorised"]!);

        var refused = await PayAsync(merchant, 5055, null);
        Assert.True(refused.Str("status") == "declined", terminal.Output.ToString());
        Assert.Equal("PA", (string?)refused["result"]!["responseCode"]);
        Assert.Contains("reversing", terminal.Output.ToString());
    }

    [Fact]
    public async Task A56TakesTheFirstTipPresetOnTheTerminal()
    {
        var (merchant, terminal) = await PairedAsync();
        await using var _ = terminal;

        var percent = await PayAsync(merchant, 2056, new { tipping = new { onTerminal = true, percentages = new[] { 10, 15 } } });
        Assert.True(percent.Str("status") == "approved", terminal.Output.ToString());
        Assert.Equal(206, (long)percent["result"]!["tipAmount"]!);
        Assert.Equal(2262, (long)percent["result"]!["amountAuthorised"]!);
        Assert.Null(percent["result"]!["partial"]);

        var fixedTip = await PayAsync(merchant, 2056, new { tipping = new { percentages = (int[]?)null, fixedAmounts = new[] { 300L } } });
        Assert.Null(fixedTip["result"]!["tipAmount"]); // onTerminal not said: no tip screen

        var fixedOnTerminal = await PayAsync(merchant, 2056,
            new { tipping = new { onTerminal = true, fixedAmounts = new[] { 300L, 500L } } });
        Assert.Equal(300, (long)fixedOnTerminal["result"]!["tipAmount"]!);
    }

    [Fact]
    public async Task A57IsPaidWithAQrWallet()
    {
        var (merchant, terminal) = await PairedAsync();
        await using var _ = terminal;
        var paid = await PayAsync(merchant, 1257, new { paymentMethods = new[] { "card", "qr" } });
        Assert.True(paid.Str("status") == "approved", terminal.Output.ToString());
        Assert.Equal("qr", (string?)paid["result"]!["paymentMethod"]);
        Assert.Equal("alipay", (string?)paid["result"]!["wallet"]);

        var card = await PayAsync(merchant, 1250, null);
        Assert.Equal("card", (string?)card["result"]!["paymentMethod"]);
    }
}
