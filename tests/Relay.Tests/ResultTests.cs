using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>The terminal's result: it wins over a late cancel, is taken once, and a conflicting one changes nothing.</summary>
public sealed class ResultTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task ApprovalThatBeatTheCancelWins()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await terminal.AcceptNextAsync();
        Assert.Equal("cancel_requested", (await merchant.PostCancelAsync(transaction.Id).Expect(202)).Str("status"));

        var ack = await terminal.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(transaction.Id, 1250));

        Assert.Equal(new CompletionAck(true, "approved"), ack);
        var done = await merchant.GetTransactionAsync(transaction.Id);
        Assert.Equal("approved", done.Str("status"));
        Assert.NotNull(done["cancelRequestedAt"]);
        var result = done["result"]!;
        Assert.Equal("approved", result.Str("outcome"));
        Assert.Equal("00", result.Str("responseCode"));
        Assert.Equal("A1B2C3", result.Str("authCode"));
        Assert.Equal("************4242", result.Str("maskedPan"));
        Assert.Equal(1250, (long)result["amountAuthorised"]!);
    }

    [Fact]
    public async Task RepeatedResultIsAcknowledgedAndChangesNothing()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await terminal.AcceptNextAsync();
        var result = DeliveryScript.ApprovedResult(transaction.Id, 1250);

        Assert.Equal(new CompletionAck(true, "approved"), await terminal.Client.CompleteTransactionAsync(result));
        var first = await merchant.GetTransactionAsync(transaction.Id);
        Assert.Equal(new CompletionAck(true, "approved"), await terminal.Client.CompleteTransactionAsync(result));
        var second = await merchant.GetTransactionAsync(transaction.Id);

        Assert.Equal("approved", second.Str("status"));
        Assert.Equal(first.Str("updatedAt"), second.Str("updatedAt"));
        Assert.Equal(first.Str("completedAt"), second.Str("completedAt"));
        Assert.Equal(first["result"]!.ToJsonString(), second["result"]!.ToJsonString());
    }

    [Fact]
    public async Task DifferentResultForAFinalTransactionIsRefused()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await terminal.AcceptNextAsync();
        await terminal.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(transaction.Id, 1250));
        var before = await merchant.GetTransactionAsync(transaction.Id);

        var ack = await terminal.Client.CompleteTransactionAsync(
            new TerminalResult(transaction.Id, TransactionOutcome.Declined) { ResponseCode = "51" });

        Assert.Equal(new CompletionAck(false, "approved"), ack);
        var after = await merchant.GetTransactionAsync(transaction.Id);
        Assert.Equal("approved", after.Str("status"));
        Assert.Equal("00", after["result"]!.Str("responseCode"));
        Assert.Equal(before.Str("updatedAt"), after.Str("updatedAt"));
    }

    [Fact]
    public async Task RepeatedAcknowledgementFromTheSameDeviceKeepsSayingProceed()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await terminal.NextStart();

        Assert.True(await terminal.Client.TransactionReceivedAsync(transaction.Id));
        var first = await merchant.GetTransactionAsync(transaction.Id);
        Assert.True(await terminal.Client.TransactionReceivedAsync(transaction.Id));
        var second = await merchant.GetTransactionAsync(transaction.Id);

        Assert.Equal("delivered", second.Str("status"));
        Assert.Equal(first.Str("deliveredAt"), second.Str("deliveredAt"));
    }
}
