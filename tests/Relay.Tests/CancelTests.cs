using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>The POS's cancel: final at once before delivery, a request the terminal answers after.</summary>
public sealed class CancelTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task CancelOnPendingTransactionEndsItWithoutReachingTerminal()
    {
        var merchant = await relay.NewMerchantAsync();
        var offline = await relay.NewOfflineTerminalAsync(merchant, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");

        var cancelled = await merchant.PostCancelAsync(id).Expect(202);
        Assert.Equal(id, cancelled.Str("id"));
        Assert.Equal("cancelled", cancelled.Str("status"));
        Assert.NotNull(cancelled["completedAt"]);
        Assert.Null(cancelled["result"]);

        await using var terminal = await relay.ConnectAsync(offline.TerminalId, offline.DeviceToken, simulate: false);
        Assert.True(await terminal.NoStartWithin(TimeSpan.FromSeconds(1)), "the cancelled transaction reached the terminal");
        Assert.Equal("cancelled", (await merchant.GetTransactionAsync(id)).Str("status"));

        // The connection that saw nothing does carry new work, and the cancelled one no longer holds the terminal.
        var next = await merchant.PurchaseAsync("till-1", 1300).Expect(201);
        Assert.Equal(next.Str("id"), (await terminal.NextStart()).Id);
    }

    [Fact]
    public async Task CancelOnFinalTransactionIsRefusedAsTransactionFinal()
    {
        var merchant = await relay.NewMerchantAsync();
        await relay.NewOfflineTerminalAsync(merchant, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");
        await merchant.PostCancelAsync(id).Expect(202);

        await merchant.PostCancelAsync(id).ExpectProblem(409, "transaction-final");
        Assert.Equal("cancelled", (await merchant.GetTransactionAsync(id)).Str("status"));
    }

    [Fact]
    public async Task CancelOfUnknownOrAnotherAccountsTransactionIsNotFound()
    {
        var merchant = await relay.NewMerchantAsync();
        await relay.NewOfflineTerminalAsync(merchant, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");
        var stranger = await relay.NewMerchantAsync();

        await merchant.PostCancelAsync(Guid.NewGuid().ToString()).ExpectProblem(404, "not-found");
        await stranger.PostCancelAsync(id).ExpectProblem(404, "not-found");
        Assert.Equal("pending", (await merchant.GetTransactionAsync(id)).Str("status"));
    }

    [Fact]
    public async Task CancelInProgressIsForwardedAndTheTerminalsCancelEndsIt()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await terminal.AcceptNextAsync();

        var requested = await merchant.PostCancelAsync(transaction.Id).Expect(202);
        Assert.Equal("cancel_requested", requested.Str("status"));
        Assert.NotNull(requested["cancelRequestedAt"]);
        Assert.Null(requested["completedAt"]);
        Assert.Equal(transaction.Id, await terminal.NextCancel());

        var ack = await terminal.Client.CompleteTransactionAsync(new TerminalResult(transaction.Id, TransactionOutcome.Cancelled)
        {
            ResponseCode = "CANCELLED",
            ResponseText = "Cancelled by POS",
        });

        Assert.Equal(new CompletionAck(true, "cancelled"), ack);
        var done = await merchant.GetTransactionAsync(transaction.Id);
        Assert.Equal("cancelled", done.Str("status"));
        Assert.Equal("cancelled", done["result"]!.Str("outcome"));
        Assert.NotNull(done["completedAt"]);
    }

    [Fact]
    public async Task CancelWhileTheSimulatorHoldsForTheCustomerEndsCancelled()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1253).Expect(201)).Str("id");
        await Scenario.Eventually(async () => (await merchant.GetTransactionAsync(id)).Str("status") == "in_progress",
            "the card prompt shows");

        Assert.Equal("cancel_requested", (await merchant.PostCancelAsync(id).Expect(202)).Str("status"));

        var done = await merchant.GetTransactionAsync(id, wait: 10);
        Assert.True(done.Str("status") == "cancelled", terminal.Output.ToString());
        Assert.Equal("cancelled", done["result"]!.Str("outcome"));
    }
}
