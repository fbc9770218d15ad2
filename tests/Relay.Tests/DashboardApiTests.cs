using System.Text.Json.Nodes;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class DashboardApiTests(DashboardApiTests.Fixture relay) : IClassFixture<DashboardApiTests.Fixture>
{
    public sealed class Fixture() : RelayFixture(new Dictionary<string, string> { ["Relay:Webhooks:AllowPrivateNetworks"] = "true" });

    [Fact]
    public async Task AWrongKeyIsUnauthenticatedAndTheRightOnesSayWhoTheyAre()
    {
        await relay.Factory.CreateClient().WithKey("not-a-key").GetAsync("/api/v1/dashboard/scope").ExpectProblem(401, "unauthenticated");
        var merchant = await relay.NewMerchantAsync();

        var own = await merchant.Http.GetAsync("/api/v1/dashboard/scope").Expect(200);
        Assert.Equal("account", own.Str("role"));
        Assert.Equal(merchant.AccountId, Assert.Single(own["accounts"]!.AsArray())!.Str("id"));

        var admin = await relay.Admin().GetAsync("/api/v1/dashboard/scope").Expect(200);
        Assert.Equal("admin", admin.Str("role"));
        Assert.Contains(admin["accounts"]!.AsArray(), a => a!.Str("id") == merchant.AccountId);
    }

    [Fact]
    public async Task AnAccountSeesItsOwnFleetOnlyAndTheAdminSeesEveryAccount()
    {
        var joe = await relay.NewMerchantAsync();
        var ann = await relay.NewMerchantAsync();
        await using var joes = await relay.NewTerminalAsync(joe);
        await joe.PairAsync(joes, "till-1", "Till 1");
        await using var anns = await relay.NewTerminalAsync(ann);

        var fleet = await joe.Http.GetAsync("/api/v1/dashboard/terminals").Expect(200);
        var item = Assert.Single(fleet["items"]!.AsArray())!;
        Assert.Equal(joe.AccountId, item.Str("accountId"));
        Assert.Equal(joes.TerminalId, item["terminal"]!.Str("id"));
        Assert.True((bool)item["terminal"]!["online"]!);
        Assert.Equal("till-1", (string?)item["terminal"]!["registers"]![0]);
        Assert.Equal(1, (int)fleet["total"]!);
        // Another account's id is not found, exactly like one that does not exist.
        await joe.Http.GetAsync($"/api/v1/dashboard/terminals?accountId={ann.AccountId}").ExpectProblem(404, "not-found");
        await joe.Http.GetAsync($"/api/v1/dashboard/terminals?accountId={Guid.NewGuid()}").ExpectProblem(404, "not-found");

        var everything = await relay.Admin().GetAsync("/api/v1/dashboard/terminals").Expect(200);
        var ids = everything["items"]!.AsArray().Select(i => i!["terminal"]!.Str("id")).ToList();
        Assert.Contains(joes.TerminalId, ids);
        Assert.Contains(anns.TerminalId, ids);
        var annsOnly = await relay.Admin().GetAsync($"/api/v1/dashboard/terminals?accountId={ann.AccountId}").Expect(200);
        Assert.Equal(anns.TerminalId, Assert.Single(annsOnly["items"]!.AsArray())!["terminal"]!.Str("id"));
    }

    [Fact]
    public async Task AnOpenTransactionIsStuckTwoMinutesAfterItWasCreatedAndIsShownWithItsTerminal()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1", "Till 1");
        var created = await merchant.PurchaseAsync("till-1", 1250, expiresInSeconds: 600).Expect(201);
        await terminal.NextStart();

        var open = await OpenAsync(merchant);
        Assert.Equal(120, (int)open["stuckAfterSeconds"]!);
        var item = Assert.Single(open["items"]!.AsArray())!;
        Assert.Equal(created.Str("id"), item["transaction"]!.Str("id"));
        Assert.False((bool)item["stuck"]!);
        Assert.True((bool)item["transaction"]!["terminalOnline"]!);
        Assert.Equal("Till terminal", item.Str("terminalLabel"));

        relay.Clock.Advance(TimeSpan.FromMinutes(3));
        item = Assert.Single((await OpenAsync(merchant))["items"]!.AsArray())!;
        Assert.True((bool)item["stuck"]!);
        Assert.True((double)item["ageSeconds"]! >= 180);

        var one = await merchant.Http.GetAsync($"/api/v1/dashboard/transactions/{created.Str("id")}").Expect(200);
        Assert.Equal(created.Str("id"), one["transaction"]!.Str("id"));
        var other = await relay.NewMerchantAsync();
        await other.Http.GetAsync($"/api/v1/dashboard/transactions/{created.Str("id")}").ExpectProblem(404, "not-found");
        Assert.Empty((await OpenAsync(other))["items"]!.AsArray());
    }

    [Fact]
    public async Task ActivityCountsThePaymentsOfTheLastHourPerMinuteWithTheirDeliveryLatency()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1", "Till 1");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("approved", (await merchant.PurchaseAsync("till-1", 1000 + i * 10, wait: 30).Expect(201)).Str("status"));
        }

        var activity = await merchant.Http.GetAsync("/api/v1/dashboard/activity").Expect(200);
        var minutes = activity["minutes"]!.AsArray();
        Assert.Equal(60, minutes.Count);
        Assert.Equal(3, minutes.Sum(m => (int)m!["payments"]!));
        Assert.Equal(3, minutes.Sum(m => (int)m!["approved"]!));
        Assert.Contains(minutes, m => m!["deliveryP50Ms"] is JsonValue v && v.GetValue<double>() > 0);
        Assert.True(DateTimeOffset.Parse(minutes[0]!.Str("at")) < DateTimeOffset.Parse(minutes[59]!.Str("at")));
    }

    [Fact]
    public async Task WebhooksShowTheirFailingDeliveries()
    {
        var merchant = await relay.NewMerchantAsync();
        // A port nothing listens on: every attempt is refused, and retried.
        await merchant.Http.PostJson("/api/v1/webhook-endpoints",
                new { url = "http://127.0.0.1:9/hook", events = new[] { "pairing.changed" } })
            .Expect(201);
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1", "Till 1");

        await Scenario.Eventually(async () =>
        {
            var webhooks = await merchant.Http.GetAsync("/api/v1/dashboard/webhooks").Expect(200);
            var item = Assert.Single(webhooks["items"]!.AsArray())!;
            Assert.Null(item["endpoint"]!["secret"]);
            return (int)item["failing"]! == 1 && item["recentFailures"]![0]!["attempts"]!.AsArray().Count >= 1;
        }, "the failing delivery shown");
    }

    [Fact]
    public async Task TheEventStreamStartsWithTheTailAndNeedsAnAccountForTheAdmin()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1", "Till 1");
        await relay.Admin().GetAsync("/api/v1/dashboard/events").ExpectProblem(400, "validation-failed");

        var history = await merchant.Http.GetAsync("/api/v1/events?limit=200").Expect(200);
        var last = history["items"]!.AsArray().Select(e => (long)e!["id"]!).Max();
        await using var stream = await EventStreamReader.OpenAsync(relay.Admin(), $"?accountId={merchant.AccountId}&tail=1",
            path: "/api/v1/dashboard/events");
        Assert.Equal(last, (await stream.NextAsync()).Id);
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var next = await stream.NextAsync();
        Assert.Equal(last + 1, next.Id);
        Assert.Equal("transaction.updated", next.Type);
    }

    private static Task<JsonNode> OpenAsync(Merchant merchant) => merchant.Http.GetAsync("/api/v1/dashboard/open-transactions").Expect(200);
}
