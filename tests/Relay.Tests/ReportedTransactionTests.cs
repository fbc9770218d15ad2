using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>Transactions the terminal made by itself (ReportTransaction), over a raw SignalR client and the SDK, read through
/// HTTP.</summary>
public sealed class ReportedTransactionTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private static object Sale(string reference, long amount = 1250, string outcome = "approved") => new
    {
        terminalReference = reference, type = "purchase", amount, currency = "NZD", occurredAt = "2026-11-30T09:15:00Z",
        result = new { outcome, responseCode = "00", authCode = "STAND1", cardScheme = "visa", amountAuthorised = amount },
    };

    [Fact]
    public async Task AStandaloneSaleReportedTwiceIsOneTransactionWithOneEventAndShowsAsTheTerminals()
    {
        var merchant = await relay.NewMerchantAsync();
        var (hub, terminalId) = await relay.ConnectNewAsync(merchant);
        await using var _ = hub;
        await using var stream = await EventStreamReader.OpenAsync(merchant.Http, "?type=transaction.updated");

        var first = await hub.InvokeAsync<JsonObject>("ReportTransaction", Sale("T-0001"));
        var again = await hub.InvokeAsync<JsonObject>("ReportTransaction", Sale("T-0001"));
        Assert.True((bool)first["accepted"]!);
        Assert.True((bool)again["accepted"]!);
        var id = (string)first["transactionId"]!;
        Assert.Equal(id, (string?)again["transactionId"]);
        var other = await hub.InvokeAsync<JsonObject>("ReportTransaction", Sale("T-0001", amount: 999));
        Assert.False((bool)other["accepted"]!); // other figures for the same reference: the first report stands
        Assert.Equal(id, (string?)other["transactionId"]);

        var transaction = await merchant.GetTransactionAsync(id);
        Assert.Equal("terminal", transaction.Str("origin"));
        Assert.Null(transaction["registerId"]);
        Assert.Equal(terminalId, transaction.Str("terminalId"));
        Assert.Equal("T-0001", transaction.Str("terminalReference"));
        Assert.Equal("approved", transaction.Str("status"));
        Assert.Equal(1250, (long)transaction["amount"]!);
        Assert.Equal("STAND1", transaction["result"]!.Str("authCode"));
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T09:15:00Z"), DateTimeOffset.Parse(transaction.Str("completedAt")));

        var streamed = await stream.NextAsync();
        Assert.Equal(id, streamed.Data.Str("id"));
        Assert.Equal("terminal", streamed.Data.Str("origin"));
        Assert.True(await stream.QuietForAsync(TimeSpan.FromMilliseconds(500)), "a repeated report made another event");
        var history = await merchant.Http.GetAsync("/api/v1/events?type=transaction.updated").Expect(200);
        Assert.Equal(id, Assert.Single(history["items"]!.AsArray())!["data"]!.Str("id"));
    }

    [Fact]
    public async Task ATimeWithTheStoresOffsetAndTicksIsTakenAndItsRetryIsTheSame()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        // An Auckland clock, to the 100 ns tick (PostgreSQL keeps microseconds): the retry must still be the same report.
        var occurred = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.FromHours(13)).AddTicks(1234567);
        var sale = new TerminalOriginatedTransaction("T-NZ", "purchase", 990, "NZD", occurred,
            TerminalOriginatedTransaction.ForReport("T-NZ", TransactionOutcome.Approved));
        var first = await terminal.Client.ReportTransactionAsync(sale);
        var again = await terminal.Client.ReportTransactionAsync(sale with { TerminalReference = "T-NZ" });
        Assert.True(first.Accepted && again.Accepted);
        Assert.Equal(first.TransactionId, again.TransactionId);
        var stored = await merchant.GetTransactionAsync(first.TransactionId);
        Assert.Equal(occurred.AddTicks(-7), DateTimeOffset.Parse(stored.Str("completedAt")));

        var batch = new SettlementReport("B-NZ", occurred.AddHours(8), [new SettlementTotal("purchase", 1, 990, "NZD")])
        {
            OpenedAt = occurred.AddHours(-1),
        };
        var settled = await terminal.Client.ReportSettlementAsync(batch);
        var resent = await terminal.Client.ReportSettlementAsync(batch with { BatchId = "B-NZ" });
        Assert.True(settled.Accepted && resent.Accepted, "a retried settlement was taken for other figures");
        Assert.Equal(settled.SettlementId, resent.SettlementId);
    }

    [Fact]
    public async Task TheListFiltersByOrigin()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1");
        var pos = await merchant.PurchaseAsync("till-1", 1000, wait: 10).Expect(201);
        var reported = await terminal.Client.ReportTransactionAsync(new TerminalOriginatedTransaction("R-77", "refund", 500, "NZD",
            DateTimeOffset.UtcNow, TerminalOriginatedTransaction.ForReport("R-77", TransactionOutcome.Approved)));
        Assert.True(reported.Accepted);

        var byTerminal = await merchant.Http.GetAsync("/api/v1/transactions?origin=terminal").Expect(200);
        var made = Assert.Single(byTerminal["items"]!.AsArray())!;
        Assert.Equal(reported.TransactionId, made.Str("id"));
        Assert.Equal("refund", made.Str("type"));
        var byPos = await merchant.Http.GetAsync("/api/v1/transactions?origin=pos").Expect(200);
        Assert.Equal(pos.Str("id"), Assert.Single(byPos["items"]!.AsArray())!.Str("id"));
        Assert.Equal("pos", pos.Str("origin"));
        Assert.Equal(2, (await merchant.Http.GetAsync("/api/v1/transactions").Expect(200))["items"]!.AsArray().Count);
        await merchant.Http.GetAsync("/api/v1/transactions?origin=kiosk").ExpectProblem(400, "validation-failed");
    }

    [Fact]
    public async Task ASaleReportedWhileTheRelayRestartsLandsOnce()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var sale = new TerminalOriginatedTransaction("T-RESTART", "purchase", 4200, "NZD", DateTimeOffset.UtcNow,
            TerminalOriginatedTransaction.ForReport("T-RESTART", TransactionOutcome.Approved) with { AmountAuthorised = 4200 });

        // Nothing may throw while the relay is down (the fixture would stay without one): record, assert afterwards.
        Task<ReportAck>? report = null;
        await relay.RestartAsync(whileDown: async _ =>
        {
            for (var i = 0; i < 50 && terminal.Client.IsConnected; i++) await Task.Delay(100);
            report = terminal.Client.ReportTransactionAsync(sale);
            await Task.Delay(200);
        });
        var ack = await report!.WaitAsync(TimeSpan.FromSeconds(Scenario.Patience));
        Assert.True(ack.Accepted);

        // The app reports it again (it did not see the answer, say): still the one transaction.
        var again = await terminal.Client.ReportTransactionAsync(sale);
        Assert.Equal(ack.TransactionId, again.TransactionId);
        merchant = merchant.OnCurrentRelay(relay);
        var listed = await merchant.Http.GetAsync($"/api/v1/transactions?origin=terminal&terminalId={terminal.TerminalId}").Expect(200);
        Assert.Equal(ack.TransactionId, Assert.Single(listed["items"]!.AsArray())!.Str("id"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(terminal.OutboxDirectory, "reports"), "*.json"));
    }

    [Fact]
    public async Task ABadReportIsRefusedAndAnotherAccountSeesNothing()
    {
        var merchant = await relay.NewMerchantAsync();
        var (hub, _) = await relay.ConnectNewAsync(merchant);
        await using var _ = hub;
        async Task Refused(object report, string says)
        {
            var e = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonObject>("ReportTransaction", report));
            Assert.Contains(says, e.Message);
        }

        await Refused(new { type = "purchase", amount = 5, currency = "NZD" }, "terminalReference");
        await Refused(new { terminalReference = "X", type = "capture", amount = 5, currency = "NZD", occurredAt = "2026-11-30T09:00:00Z",
            result = new { outcome = "approved" } }, "type");
        await Refused(new { terminalReference = "X", type = "purchase", amount = -5, currency = "NZD", occurredAt = "2026-11-30T09:00:00Z",
            result = new { outcome = "approved" } }, "amount");
        await Refused(new { terminalReference = "X", type = "purchase", amount = 5, currency = "NZD", occurredAt = "2099-01-01T00:00:00Z",
            result = new { outcome = "approved" } }, "occurredAt");
        await Refused(new { terminalReference = "X", type = "purchase", amount = 5, currency = "NZD", occurredAt = "2026-11-30T09:00:00Z",
            result = new { outcome = "approved", amountAuthorised = 6 } }, "amountAuthorised");
        await Refused(new { terminalReference = "X", type = "purchase", amount = 5, currency = "NZD", occurredAt = "2026-11-30T09:00:00Z" },
            "result");
        Assert.Empty((await merchant.Http.GetAsync("/api/v1/transactions").Expect(200))["items"]!.AsArray());

        var ok = await hub.InvokeAsync<JsonObject>("ReportTransaction", Sale("T-9", outcome: "declined"));
        var id = (string)ok["transactionId"]!;
        Assert.Equal("declined", (await merchant.GetTransactionAsync(id)).Str("status"));
        // Its receipt can be printed for the POS to see; there is no POS to ask a question of.
        await hub.InvokeAsync("Print", id, "customer", "DECLINED");
        var printed = await merchant.Http.GetAsync("/api/v1/events?type=terminal.print").Expect(200);
        Assert.Equal(id, Assert.Single(printed["items"]!.AsArray())!["data"]!.Str("transactionId"));
        var question = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonObject>("RequestInput", id,
            new { requestId = "q1", kind = "confirm", prompt = "OK?" }));
        Assert.Contains("no POS to ask", question.Message);
        var other = await relay.NewMerchantAsync();
        await other.Http.GetAsync($"/api/v1/transactions/{id}").ExpectProblem(404, "not-found");
        Assert.Empty((await other.Http.GetAsync("/api/v1/transactions?origin=terminal").Expect(200))["items"]!.AsArray());
    }
}
