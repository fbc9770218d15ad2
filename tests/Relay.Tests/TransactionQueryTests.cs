using System.Text.Json.Nodes;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>Finding transactions again: a register's last one, and the filtered, paged list.</summary>
public sealed class TransactionQueryTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task RegistersLastTransactionIsTheMostRecentOne()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PairAsync(terminal, "till-2");
        await merchant.Http.GetAsync("/api/v1/registers/till-1/transactions/last").ExpectProblem(404, "not-found");

        await merchant.PurchaseAsync("till-1", 1000, wait: 10).Expect(201);
        var latest = await merchant.PurchaseAsync("till-1", 1251, wait: 10).Expect(201);
        await merchant.PurchaseAsync("till-2", 1002, wait: 10).Expect(201);

        var last = await merchant.Http.GetAsync("/api/v1/registers/till-1/transactions/last").Expect(200);
        Assert.Equal(latest.Str("id"), last.Str("id"));
        Assert.Equal("declined", last.Str("status"));
        Assert.Equal("till-1", last.Str("registerId"));
        Assert.Equal("51", last["result"]!.Str("responseCode"));

        await merchant.Http.GetAsync("/api/v1/registers/never-used/transactions/last").ExpectProblem(404, "not-found");
        // Registers belong to an account: another merchant's till-1 has no transactions.
        var stranger = await relay.NewMerchantAsync();
        await stranger.Http.GetAsync("/api/v1/registers/till-1/transactions/last").ExpectProblem(404, "not-found");
    }

    [Fact]
    public async Task ListFiltersByStatusRegisterTerminalAndReference()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var a = await relay.NewTerminalAsync(merchant);
        await using var b = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(a, "till-a");
        await merchant.PairAsync(b, "till-b");
        var a1 = await PurchaseAsync(merchant, "till-a", 1000, "order-1");
        var a2 = await PurchaseAsync(merchant, "till-a", 1251, "order-2");
        var a3 = await PurchaseAsync(merchant, "till-a", 1002, "order-3");
        var b1 = await PurchaseAsync(merchant, "till-b", 1003, "order-4");
        Assert.Equal(["approved", "declined", "approved", "approved"], new[] { a1, a2, a3, b1 }.Select(t => t.Str("status")));
        // Another merchant's transactions never show.
        var stranger = await relay.NewMerchantAsync();
        await using var theirs = await relay.NewTerminalAsync(stranger);
        await stranger.PairAsync(theirs, "till-a");
        await PurchaseAsync(stranger, "till-a", 1000, "order-1");

        Assert.Equal(Ids(b1, a3, a1), await ListAsync(merchant, "?status=approved"));
        Assert.Equal(Ids(a2), await ListAsync(merchant, "?status=declined"));
        Assert.Equal(Ids(a3, a2, a1), await ListAsync(merchant, "?registerId=till-a"));
        Assert.Equal(Ids(b1), await ListAsync(merchant, $"?terminalId={b.TerminalId}"));
        Assert.Equal(Ids(a2), await ListAsync(merchant, "?reference=order-2"));
        Assert.Equal(Ids(a3, a1), await ListAsync(merchant, "?registerId=till-a&status=approved"));
        Assert.Empty(await ListAsync(merchant, "?status=expired"));
        await merchant.Http.GetAsync("/api/v1/transactions?status=finished").ExpectProblem(400, "validation-failed");
    }

    [Fact]
    public async Task ListPagesNewestFirstWithoutDuplicates()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await PurchaseAsync(merchant, "till-1", 1000 + i, $"page-{i}")).Str("id"));
        }

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await merchant.Http.GetAsync("/api/v1/transactions?limit=2"
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))).Expect(200);
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(t => t!.Str("id")));
            cursor = (string?)page["nextCursor"];
            pages++;
            Assert.True(pages <= 5, "paging does not end");
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(created), seen);
    }

    private static async Task<JsonNode> PurchaseAsync(Merchant merchant, string registerId, long amount, string reference) =>
        await merchant.Http.PostJson("/api/v1/transactions",
            new { registerId, type = "purchase", amount, currency = "NZD", reference }, Guid.NewGuid().ToString(), wait: 10).Expect(201);

    private static string[] Ids(params JsonNode[] transactions) => transactions.Select(t => t.Str("id")).ToArray();

    private static async Task<string[]> ListAsync(Merchant merchant, string query)
    {
        var page = await merchant.Http.GetAsync("/api/v1/transactions" + query).Expect(200);
        return page["items"]!.AsArray().Select(t => t!.Str("id")).ToArray();
    }
}
