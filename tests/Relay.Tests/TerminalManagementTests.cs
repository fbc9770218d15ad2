using System.Text.Json.Nodes;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class TerminalManagementTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task CreatingATerminalAnswersCreatedWithASingleUseActivationCode()
    {
        var merchant = await relay.NewMerchantAsync();
        var before = relay.Clock.GetUtcNow();

        var response = await merchant.Http.PostJson("/api/v1/terminals", new { label = "Front counter", storeId = "store-042" });
        var terminal = await Task.FromResult(response).Expect(201);

        var id = terminal.Str("id");
        Assert.Equal($"/api/v1/terminals/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("created", terminal.Str("status"));
        Assert.Equal("Front counter", terminal.Str("label"));
        Assert.Equal("store-042", terminal.Str("storeId"));
        Assert.False(string.IsNullOrWhiteSpace(terminal.Str("activationCode")));
        var expiresAt = DateTimeOffset.Parse(terminal.Str("activationCodeExpiresAt"));
        Assert.InRange(expiresAt - before, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
        Assert.True(DateTimeOffset.TryParse(terminal.Str("createdAt"), out _));

        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{id}").Expect(200);
        Assert.Equal("created", shown.Str("status"));
        Assert.False((bool)shown["online"]!);
        Assert.Null(shown["lastSeenAt"]);
        Assert.Null(shown["serialNumber"]);
        Assert.Null(shown["activatedAt"]);
        Assert.Empty(shown["registers"]!.AsArray());
        Assert.Null(shown["activationCode"]); // shown only when issued
    }

    [Fact]
    public async Task AnActivatedTerminalShowsItsDeviceLivenessAndRegisters()
    {
        var merchant = await relay.NewMerchantAsync();
        var created = await merchant.Http.PostJson("/api/v1/terminals", new { label = "Bar" }).Expect(201);
        var activation = await relay.ActivateAsync(created.Str("activationCode"), "SN-0042", "Move/5000", "2.4.1").Expect(200);
        var terminalId = activation.Str("terminalId");
        await using var terminal = await relay.ConnectAsync(terminalId, activation.Str("deviceToken"), simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200);

        Assert.Equal("activated", shown.Str("status"));
        Assert.True((bool)shown["online"]!);
        Assert.NotNull(shown["lastSeenAt"]);
        Assert.NotNull(shown["activatedAt"]);
        Assert.Equal("SN-0042", shown.Str("serialNumber"));
        Assert.Equal("Move/5000", shown.Str("model"));
        Assert.Equal("2.4.1", shown.Str("appVersion"));
        Assert.Equal("Bar", shown.Str("label"));
        Assert.Equal(new[] { "till-1" }, shown["registers"]!.AsArray().Select(r => (string)r!).ToArray());

        await terminal.DisposeAsync();
        await Scenario.Eventually(async () =>
            !(bool)(await merchant.Http.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200))["online"]!, "the terminal shows offline");
        var offline = await merchant.Http.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200);
        Assert.Equal("activated", offline.Str("status"));
        Assert.NotNull(offline["lastSeenAt"]);
    }

    [Fact]
    public async Task TerminalListFiltersByStatus()
    {
        var merchant = await relay.NewMerchantAsync();
        var created = (await merchant.Http.PostJson("/api/v1/terminals", new { label = "never activated" }).Expect(201)).Str("id");
        await using var activated = await relay.NewTerminalAsync(merchant, simulate: false);
        var removed = (await merchant.Http.PostJson("/api/v1/terminals", new { label = "gone" }).Expect(201)).Str("id");
        await merchant.Http.DeleteAsync($"/api/v1/terminals/{removed}").Expect(204);

        Assert.Equal(new[] { created }, await IdsAsync(merchant, "/api/v1/terminals?status=created"));
        Assert.Equal(new[] { activated.TerminalId }, await IdsAsync(merchant, "/api/v1/terminals?status=activated"));
        Assert.Equal(new[] { removed }, await IdsAsync(merchant, "/api/v1/terminals?status=removed"));
        Assert.Equal(new[] { created, activated.TerminalId, removed }.Order(), (await IdsAsync(merchant, "/api/v1/terminals")).Order());
    }

    [Fact]
    public async Task TerminalListFiltersByStoreAndByLiveness()
    {
        var merchant = await relay.NewMerchantAsync();
        var storeA1 = (await merchant.Http.PostJson("/api/v1/terminals", new { storeId = "store-a" }).Expect(201)).Str("id");
        var storeA2 = (await merchant.Http.PostJson("/api/v1/terminals", new { storeId = "store-a" }).Expect(201)).Str("id");
        var storeB = (await merchant.Http.PostJson("/api/v1/terminals", new { storeId = "store-b" }).Expect(201)).Str("id");
        await using var online = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.WaitForPresenceAsync(online.TerminalId, online: true); // a connect is written a moment later, in a batch

        Assert.Equal(new[] { storeA1, storeA2 }.Order(), (await IdsAsync(merchant, "/api/v1/terminals?storeId=store-a")).Order());
        Assert.Equal(new[] { storeB }, await IdsAsync(merchant, "/api/v1/terminals?storeId=store-b"));
        Assert.Empty(await IdsAsync(merchant, "/api/v1/terminals?storeId=store-c"));
        Assert.Equal(new[] { online.TerminalId }, await IdsAsync(merchant, "/api/v1/terminals?online=true"));
        Assert.Equal(new[] { storeA1, storeA2, storeB }.Order(), (await IdsAsync(merchant, "/api/v1/terminals?online=false")).Order());
        Assert.Empty(await IdsAsync(merchant, "/api/v1/terminals?storeId=store-a&online=true"));
    }

    [Theory]
    [InlineData("status=bogus", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("cursor=%25%25%25", "cursor")]
    public async Task TerminalListRejectsBadQueries(string query, string field)
    {
        var merchant = await relay.NewMerchantAsync();

        var problem = await merchant.Http.GetAsync($"/api/v1/terminals?{query}").ExpectProblem(400, "validation-failed");

        Assert.NotNull(problem["errors"]?[field]);
    }

    [Fact]
    public async Task TerminalListPagesWithLimitAndCursor()
    {
        var merchant = await relay.NewMerchantAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await merchant.Http.PostJson("/api/v1/terminals", new { label = $"T{i}" }).Expect(201)).Str("id"));
        }

        var seen = new List<string>();
        var pageSizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = await merchant.Http.GetAsync("/api/v1/terminals?limit=2"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")).Expect(200);
            var items = page["items"]!.AsArray();
            pageSizes.Add(items.Count);
            seen.AddRange(items.Select(t => t!.Str("id")));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null && pageSizes.Count < 10);

        Assert.Equal(new[] { 2, 2, 1 }, pageSizes);
        Assert.Equal(created.Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task AnotherAccountsTerminalIsNotFound()
    {
        var owner = await relay.NewMerchantAsync();
        var stranger = await relay.NewMerchantAsync();
        var id = (await owner.Http.PostJson("/api/v1/terminals", new { label = "mine" }).Expect(201)).Str("id");

        await stranger.Http.GetAsync($"/api/v1/terminals/{id}").ExpectProblem(404, "not-found");
        await stranger.Http.PostJson($"/api/v1/terminals/{id}/activation-code", new { }).ExpectProblem(404, "not-found");
        await stranger.Http.DeleteAsync($"/api/v1/terminals/{id}").ExpectProblem(404, "not-found");
        Assert.Empty(await IdsAsync(stranger, "/api/v1/terminals"));

        var still = await owner.Http.GetAsync($"/api/v1/terminals/{id}").Expect(200);
        Assert.Equal("created", still.Str("status"));
    }

    private static async Task<List<string>> IdsAsync(Merchant merchant, string url)
    {
        var page = await merchant.Http.GetAsync(url).Expect(200);
        return page["items"]!.AsArray().Select(t => t!.Str("id")).ToList();
    }
}
