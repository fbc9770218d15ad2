using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class AdminTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task CreatingAnAccountShowsItsKeyOnceAndTheKeyWorks()
    {
        var admin = relay.Admin();

        var response = await admin.PostJson("/api/v1/accounts", new { name = "  Joe's Coffee  " });
        var account = await Task.FromResult(response).Expect(201);

        var id = account.Str("id");
        Assert.Equal($"/api/v1/accounts/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Joe's Coffee", account.Str("name"));
        Assert.True(DateTimeOffset.TryParse(account.Str("createdAt"), out _));
        var key = account.Str("apiKey");
        Assert.False(string.IsNullOrWhiteSpace(key));
        await relay.Factory.CreateClient().WithKey(key).GetAsync("/api/v1/terminals").Expect(200);

        var fetched = await admin.GetAsync($"/api/v1/accounts/{id}").Expect(200);
        Assert.Equal(id, fetched.Str("id"));
        Assert.Equal("Joe's Coffee", fetched.Str("name"));
        Assert.Null(fetched["apiKey"]);
        Assert.DoesNotContain(key, (await admin.GetStringAsync("/api/v1/accounts?limit=200")));
    }

    [Fact]
    public async Task CreateResponsesShowTheTimesThatLaterReadsShow()
    {
        // PostgreSQL keeps microseconds; a create response built from the unsaved entity shows 100 ns ticks that no later read returns.
        // Three of each, so a tick count that happens to end in 0 cannot hide a difference.
        var admin = relay.Admin();
        for (var i = 0; i < 3; i++)
        {
            var account = await admin.PostJson("/api/v1/accounts", new { name = $"Account {i}" }).Expect(201);
            var fetched = await admin.GetAsync($"/api/v1/accounts/{account.Str("id")}").Expect(200);
            Assert.Equal(account.Str("createdAt"), fetched.Str("createdAt"));

            var merchant = relay.Factory.CreateClient().WithKey(account.Str("apiKey"));
            var terminal = await merchant.PostJson("/api/v1/terminals", new { label = "t" }).Expect(201);
            var terminalRead = await merchant.GetAsync($"/api/v1/terminals/{terminal.Str("id")}").Expect(200);
            Assert.Equal(terminal.Str("createdAt"), terminalRead.Str("createdAt"));
        }
    }

    [Fact]
    public async Task EachAccountGetsItsOwnKey()
    {
        var first = await relay.NewMerchantAsync();
        var second = await relay.NewMerchantAsync();

        Assert.NotEqual(first.AccountId, second.AccountId);
        Assert.NotEqual(first.ApiKey, second.ApiKey);
    }

    [Fact]
    public async Task AccountListPagesThroughEveryAccountOnceWithACursor()
    {
        var admin = relay.Admin();
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await relay.NewMerchantAsync()).AccountId);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await admin.GetAsync("/api/v1/accounts?limit=2"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")).Expect(200);
            var items = page["items"]!.AsArray().Select(a => a!.Str("id")).ToList();
            cursor = (string?)page["nextCursor"];
            Assert.True(items.Count == 2 || cursor is null, $"only the last page may be short: {page.ToJsonString()}");
            Assert.True(items.Count > 0 || pages == 0, "a cursor must not lead to an empty page");
            seen.AddRange(items);
            Assert.True(++pages < 100, "the cursor never ends");
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), created.ToHashSet());
        Assert.True(pages >= 2);
        var all = (await admin.GetAsync("/api/v1/accounts?limit=200").Expect(200))["items"]!.AsArray().Select(a => a!.Str("id")).ToList();
        Assert.Equal(all, seen);
    }

    [Fact]
    public async Task ThreeAccountsWithLimitTwoComeInTwoPages()
    {
        // Over a relay of its own, so the account list holds exactly these three.
        var own = new RelayFixture();
        await own.InitializeAsync();
        try
        {
            var admin = own.Admin();
            var created = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                created.Add((await own.NewMerchantAsync()).AccountId);
            }

            var first = await admin.GetAsync("/api/v1/accounts?limit=2").Expect(200);
            var cursor = first.Str("nextCursor");
            var second = await admin.GetAsync($"/api/v1/accounts?limit=2&cursor={Uri.EscapeDataString(cursor)}").Expect(200);

            var firstIds = first["items"]!.AsArray().Select(a => a!.Str("id")).ToList();
            var secondIds = second["items"]!.AsArray().Select(a => a!.Str("id")).ToList();
            Assert.Equal(2, firstIds.Count);
            Assert.Single(secondIds);
            Assert.Null(second["nextCursor"]);
            Assert.Equal(created.Order(), firstIds.Concat(secondIds).Order());
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task UnknownAccountIsNotFound()
    {
        var admin = relay.Admin();
        var unknown = Guid.NewGuid();

        await admin.GetAsync($"/api/v1/accounts/{unknown}").ExpectProblem(404, "not-found");
        await admin.GetAsync($"/api/v1/accounts/{unknown}/api-keys").ExpectProblem(404, "not-found");
        await admin.PostAsync($"/api/v1/accounts/{unknown}/api-keys", null).ExpectProblem(404, "not-found");
        await admin.DeleteAsync($"/api/v1/accounts/{unknown}/api-keys/{Guid.NewGuid()}").ExpectProblem(404, "not-found");
        await admin.GetAsync("/api/v1/accounts/not-an-id").ExpectProblem(404, "not-found");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("cursor=!!!", "cursor")]
    public async Task InvalidAccountListQueryIsAValidationError(string query, string field)
    {
        await relay.Admin().GetAsync($"/api/v1/accounts?{query}").ExpectValidationFailed(field);
    }
}
