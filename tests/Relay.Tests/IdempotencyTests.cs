using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Relay.Api.Infrastructure;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class IdempotencyTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string Transactions = "/api/v1/transactions";

    private static object Purchase(string registerId, long amount) => new { registerId, type = "purchase", amount, currency = "NZD" };

    [Fact]
    public async Task SameKeyAndBodyAgainReplaysTheTransactionAsItStandsNow()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var key = Guid.NewGuid().ToString();

        var created = await merchant.Http.PostJson(Transactions, Purchase("till-1", 1250), key);
        var first = await Task.FromResult(created).Expect(201);
        Assert.False(created.Headers.Contains("Idempotent-Replayed"));
        var id = first.Str("id");

        var retry = await merchant.Http.PostJson(Transactions, Purchase("till-1", 1250), key);
        var replayed = await Task.FromResult(retry).Expect(200);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(id, replayed.Str("id"));
        Assert.Equal("pending", replayed.Str("status"));

        Assert.Equal(id, await terminal.ApproveNextAsync());

        var later = await merchant.Http.PostJson(Transactions, Purchase("till-1", 1250), key);
        var now = await Task.FromResult(later).Expect(200);
        Assert.Equal("true", Assert.Single(later.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(id, now.Str("id"));
        Assert.Equal("approved", now.Str("status"));
        Assert.Equal("approved", now["result"]!.Str("outcome"));

        Assert.Equal([id], await merchant.Http.ListIds($"{Transactions}?registerId=till-1"));
        Assert.True(await terminal.NoStartWithin(TimeSpan.FromMilliseconds(300)),
            "a replay must not send the transaction to the terminal again");
    }

    [Fact]
    public async Task ReplayWithPreferWaitHoldsUntilTheOriginalTransactionIsFinal()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var key = Guid.NewGuid().ToString();
        var id = (await merchant.Http.PostJson(Transactions, Purchase("till-1", 700), key).Expect(201)).Str("id");

        // A POS that timed out retries with the same key and waits: it must get the first transaction's outcome.
        var waiting = merchant.Http.PostJson(Transactions, Purchase("till-1", 700), key, wait: 30);
        await Task.WhenAny(waiting, Task.Delay(300));
        Assert.False(waiting.IsCompleted, "the replay should hold while the transaction is open");
        await terminal.ApproveNextAsync();
        var replayed = await waiting.Expect(200);

        Assert.Equal(id, replayed.Str("id"));
        Assert.Equal("approved", replayed.Str("status"));
    }

    [Fact]
    public async Task SameKeyWithADifferentBodyIsRefusedAndLeavesTheOriginalAlone()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var key = Guid.NewGuid().ToString();
        var id = (await merchant.Http.PostJson(Transactions, Purchase("till-1", 1000), key).Expect(201)).Str("id");

        await merchant.Http.PostJson(Transactions, Purchase("till-1", 1001), key).ExpectProblem(422, "idempotency-key-reused");
        await merchant.Http.PostJson(Transactions, new { registerId = "till-1", type = "refund", amount = 1000, currency = "NZD" }, key)
            .ExpectProblem(422, "idempotency-key-reused");

        var original = await merchant.GetTransactionAsync(id);
        Assert.Equal(1000, (long)original["amount"]!);
        Assert.Equal("purchase", original.Str("type"));
        Assert.Equal([id], await merchant.Http.ListIds($"{Transactions}?registerId=till-1"));
    }

    [Fact]
    public async Task MissingKeyIsRefusedAndCreatesNothing()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        await merchant.Http.PostJson(Transactions, Purchase("till-1", 1250)).ExpectProblem(400, "idempotency-key-missing");

        Assert.Empty(await merchant.Http.ListIds(Transactions));
        Assert.True(await terminal.NoStartWithin(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task KeyLongerThan255CharactersIsAValidationError()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        await merchant.Http.PostJson(Transactions, Purchase("till-1", 1250), new string('k', 256))
            .ExpectValidationFailed("Idempotency-Key");
        Assert.Empty(await merchant.Http.ListIds(Transactions));

        // 255 is still allowed, and stored whole: replaying it finds the same transaction.
        var longest = new string('k', 255);
        var id = (await merchant.Http.PostJson(Transactions, Purchase("till-1", 1250), longest).Expect(201)).Str("id");
        Assert.Equal(id, (await merchant.Http.PostJson(Transactions, Purchase("till-1", 1250), longest).Expect(200)).Str("id"));
    }

    [Fact]
    public async Task ConcurrentRequestsWithOneKeyCreateExactlyOneTransaction()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => merchant.Http.PostJson(Transactions, Purchase("till-1", 4200), key))));

        var bodies = new List<string>();
        foreach (var response in responses)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
            bodies.Add(text);
        }

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.OK),
            r => Assert.Equal("true", Assert.Single(r.Headers.GetValues("Idempotent-Replayed"))));
        var ids = bodies.Select(b => System.Text.Json.Nodes.JsonNode.Parse(b)!.Str("id")).Distinct().ToList();
        var id = Assert.Single(ids);
        Assert.Equal([id], await merchant.Http.ListIds($"{Transactions}?registerId=till-1"));
        Assert.Equal(id, (await terminal.NextStart()).Id);
        Assert.True(await terminal.NoStartWithin(TimeSpan.FromMilliseconds(300)), "the terminal must get the transaction once");
    }

    [Fact]
    public async Task KeysBelongToTheirAccountSoTheSameKeyInTwoAccountsCreatesTwoTransactions()
    {
        var a = await relay.NewMerchantAsync();
        var b = await relay.NewMerchantAsync();
        await using var terminalA = await relay.NewTerminalAsync(a, simulate: false);
        await using var terminalB = await relay.NewTerminalAsync(b, simulate: false);
        await a.PairAsync(terminalA, "till-1");
        await b.PairAsync(terminalB, "till-1");
        var key = Guid.NewGuid().ToString();

        var fromA = await a.Http.PostJson(Transactions, Purchase("till-1", 1250), key).Expect(201);
        var fromB = await b.Http.PostJson(Transactions, Purchase("till-1", 1250), key).Expect(201);

        Assert.NotEqual(fromA.Str("id"), fromB.Str("id"));
        Assert.Equal(terminalA.TerminalId, fromA.Str("terminalId"));
        Assert.Equal(terminalB.TerminalId, fromB.Str("terminalId"));
        Assert.Equal([fromA.Str("id")], await a.Http.ListIds(Transactions));
        Assert.Equal([fromB.Str("id")], await b.Http.ListIds(Transactions));
        Assert.Equal(fromA.Str("id"), (await terminalA.NextStart()).Id);
        Assert.Equal(fromB.Str("id"), (await terminalB.NextStart()).Id);
    }

    [Fact]
    public async Task KeysAreKeptForADayAfterTheHousekeepingRan()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var key = Guid.NewGuid().ToString();
        var id = (await merchant.Http.PostJson(Transactions, Purchase("till-1", 1250), key).Expect(201)).Str("id");
        await terminal.ApproveNextAsync();

        relay.Clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(55));
        var advanced = relay.Clock.GetUtcNow();
        var housekeeping = relay.Factory.Services.GetRequiredService<Housekeeping>();
        await Scenario.Eventually(() => Task.FromResult(housekeeping.LastRunAt >= advanced), "housekeeping ran after the clock moved");

        var replayed = await merchant.Http.PostJson(Transactions, Purchase("till-1", 1250), key).Expect(200);
        Assert.Equal(id, replayed.Str("id"));
        Assert.Equal("approved", replayed.Str("status"));
        await merchant.Http.PostJson(Transactions, Purchase("till-1", 999), key).ExpectProblem(422, "idempotency-key-reused");
    }
}
