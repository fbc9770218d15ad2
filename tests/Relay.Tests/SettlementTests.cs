using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>Settlements the terminal reports over the hub (a raw SignalR client), read through HTTP.</summary>
public sealed class SettlementTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private static object Batch(string batchId, long purchases = 125050) => new
    {
        batchId, openedAt = "2026-12-02T08:00:00Z", closedAt = "2026-12-02T17:30:00Z",
        totals = new object[]
        {
            new { type = "purchase", cardScheme = "visa", count = 42, amount = purchases, currency = "NZD" },
            new { type = "refund", count = 1, amount = 1250, currency = "NZD" },
        },
        receipt = "SETTLEMENT OK",
    };

    [Fact]
    public async Task ABatchReportedTwiceIsOneSettlementWithOneEvent()
    {
        var merchant = await relay.NewMerchantAsync();
        var (hub, terminalId) = await relay.ConnectNewAsync(merchant);
        await using var _ = hub;

        var first = await hub.InvokeAsync<JsonObject>("ReportSettlement", Batch("B-1"));
        var again = await hub.InvokeAsync<JsonObject>("ReportSettlement", Batch("B-1"));
        Assert.True((bool)first["accepted"]!);
        Assert.True((bool)again["accepted"]!);
        Assert.Equal((string?)first["settlementId"], (string?)again["settlementId"]);
        var other = await hub.InvokeAsync<JsonObject>("ReportSettlement", Batch("B-1", purchases: 1));
        Assert.False((bool)other["accepted"]!); // other figures for the same batch: the first report stands

        var id = (string)first["settlementId"]!;
        var settlement = await merchant.Http.GetAsync($"/api/v1/settlements/{id}").Expect(200);
        Assert.Equal("B-1", settlement.Str("batchId"));
        Assert.Equal(terminalId, settlement.Str("terminalId"));
        Assert.Equal(125050, (long)settlement["totals"]![0]!["amount"]!);
        Assert.Equal("visa", (string?)settlement["totals"]![0]!["cardScheme"]);
        var list = await merchant.Http.GetAsync($"/api/v1/settlements?terminalId={terminalId}").Expect(200);
        Assert.Equal(id, Assert.Single(list["items"]!.AsArray())!.Str("id"));
        var events = await merchant.Http.GetAsync("/api/v1/events?type=settlement.reported").Expect(200);
        Assert.Equal(id, (string?)Assert.Single(events["items"]!.AsArray())!["data"]!["id"]);
        var window = await merchant.Http.GetAsync("/api/v1/settlements?from=2026-12-03T00:00:00Z").Expect(200);
        Assert.Empty(window["items"]!.AsArray());
        // The store's own offset: 17:30Z is 06:30 the next day in Auckland.
        var local = await merchant.Http.GetAsync("/api/v1/settlements?from=2026-12-03T06:00:00%2B13:00&to=2026-12-03T07:00:00%2B13:00")
            .Expect(200);
        Assert.Equal(id, Assert.Single(local["items"]!.AsArray())!.Str("id"));
    }

    [Fact]
    public async Task TheSdkReportsABatchAndItsOutboxCarriesItAcrossANewClient()
    {
        var merchant = await relay.NewMerchantAsync();
        var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var report = new Relay.Terminal.SettlementReport("B-SDK-1", DateTimeOffset.Parse("2026-12-02T17:30:00Z"),
            [new Relay.Terminal.SettlementTotal("purchase", 3, 4500, "NZD") { CardScheme = "visa" }]) { Receipt = "BATCH CLOSED" };
        var ack = await terminal.Client.ReportSettlementAsync(report);
        Assert.True(ack.Accepted);
        Assert.Equal("B-SDK-1", (await merchant.Http.GetAsync($"/api/v1/settlements/{ack.SettlementId}").Expect(200)).Str("batchId"));

        // Saved while stopped, sent by the next client over the same outbox when it connects.
        await terminal.Client.StopAsync();
        using (var stopWaiting = new CancellationTokenSource())
        {
            var waiting = terminal.Client.ReportSettlementAsync(report with { BatchId = "B-SDK-2" }, stopWaiting.Token);
            await Task.Delay(200); // saved (the save is not cancellable; only the wait is)
            await stopWaiting.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }

        await terminal.DisposeAsync();
        await using var again =
            await relay.ConnectAsync(terminal.TerminalId, terminal.DeviceToken, terminal.OutboxDirectory, simulate: false);
        await Scenario.Eventually(async () => (await merchant.Http.GetAsync($"/api/v1/settlements?terminalId={terminal.TerminalId}")
            .Expect(200))["items"]!.AsArray().Any(i => i!.Str("batchId") == "B-SDK-2"), "the saved batch sent");
    }

    [Fact]
    public async Task ABadReportIsRefusedAndAnotherAccountSeesNothing()
    {
        var merchant = await relay.NewMerchantAsync();
        var (hub, _) = await relay.ConnectNewAsync(merchant);
        await using var _ = hub;
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonObject>("ReportSettlement", new { batchId = "B-2" }));
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonObject>("ReportSettlement", new
        {
            batchId = "B-2", closedAt = "2026-12-02T17:30:00Z",
            totals = new[] { new { type = "teleport", count = 1, amount = 5, currency = "NZD" } },
        }));
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonObject>("ReportSettlement", new
        {
            batchId = "B-2", closedAt = "2026-12-02T17:30:00Z",
            totals = new[] { new { type = "purchase", count = -1, amount = -5, currency = "XXX1" } },
        }));
        var ok = await hub.InvokeAsync<JsonObject>("ReportSettlement", Batch("B-3"));

        var other = await relay.NewMerchantAsync();
        await other.Http.GetAsync($"/api/v1/settlements/{(string?)ok["settlementId"]}").ExpectProblem(404, "not-found");
        Assert.Empty((await other.Http.GetAsync("/api/v1/settlements").Expect(200))["items"]!.AsArray());
        Assert.Single((await merchant.Http.GetAsync("/api/v1/settlements").Expect(200))["items"]!.AsArray());
    }
}
