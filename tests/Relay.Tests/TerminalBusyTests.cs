using System.Net;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class TerminalBusyTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string Transactions = "/api/v1/transactions";

    private static object Purchase(string registerId, long amount) => new { registerId, type = "purchase", amount, currency = "NZD" };

    [Fact]
    public async Task SecondTransactionForATerminalWithAnOpenOneIsRefusedUntilTheFirstIsFinal()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PairAsync(terminal, "till-2");
        var first = (await merchant.PurchaseAsync("till-1", 1000).Expect(201)).Str("id");

        await merchant.PurchaseAsync("till-1", 2000).ExpectProblem(409, "terminal-busy");
        // The other register is paired with the same terminal: it is busy for that register too.
        await merchant.PurchaseAsync("till-2", 2000).ExpectProblem(409, "terminal-busy");
        Assert.Equal([first], await merchant.Http.ListIds(Transactions));

        Assert.Equal(first, await terminal.ApproveNextAsync());

        var second = await merchant.PurchaseAsync("till-2", 3000).Expect(201);
        Assert.Equal("pending", second.Str("status"));
        Assert.Equal(second.Str("id"), (await terminal.NextStart()).Id);
    }

    [Fact]
    public async Task TerminalIsBusyWhileATransactionIsDeliveredInProgressOrCancelRequested()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1000).Expect(201)).Str("id");
        await terminal.NextStart();

        Assert.True(await terminal.Client.TransactionReceivedAsync(id));
        await merchant.PurchaseAsync("till-1", 2000).ExpectProblem(409, "terminal-busy");

        await terminal.Client.TransactionStartedAsync(id);
        await merchant.PurchaseAsync("till-1", 2000).ExpectProblem(409, "terminal-busy");

        Assert.Equal("cancel_requested", (await merchant.Http.PostAsync($"{Transactions}/{id}/cancel", null).Expect(202)).Str("status"));
        await merchant.PurchaseAsync("till-1", 2000).ExpectProblem(409, "terminal-busy");

        await terminal.NextCancel();
        var ack = await terminal.Client.CompleteTransactionAsync(
            new Relay.Terminal.TerminalResult(id, Relay.Terminal.TransactionOutcome.Cancelled));
        Assert.Equal("cancelled", ack.Status);
        await merchant.PurchaseAsync("till-1", 2000).Expect(201);
    }

    [Fact]
    public async Task CancellingAPendingTransactionFreesTheTerminal()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1000).Expect(201)).Str("id");

        Assert.Equal("cancelled", (await merchant.Http.PostAsync($"{Transactions}/{id}/cancel", null).Expect(202)).Str("status"));

        await merchant.PurchaseAsync("till-1", 2000).Expect(201);
    }

    [Fact]
    public async Task ConcurrentCreatesWithDifferentKeysForOneIdleTerminalStartExactlyOne()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => Task.Run(() => merchant.PurchaseAsync("till-1", 1000 + i))));

        var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r != created))
        {
            await Task.FromResult(refused).ExpectProblem(409, "terminal-busy");
        }

        var id = (await created.Json()).Str("id");
        Assert.Equal([id], await merchant.Http.ListIds(Transactions));
        Assert.Equal(id, (await terminal.NextStart()).Id);
        Assert.True(await terminal.NoStartWithin(TimeSpan.FromMilliseconds(300)), "only the accepted transaction reaches the terminal");
    }
}
