using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// A relay restart (new host, same database) or a terminal process restart in the middle of a transaction: the
/// transaction survives in the database, results survive in the terminal's outbox, and nothing is charged twice.
/// </summary>
public sealed class RestartTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task TerminalReconnectsToRestartedRelayAndCompletesItsAcknowledgedTransaction()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await terminal.AcceptNextAsync(start: false);

        await relay.RestartAsync();
        merchant = merchant.OnCurrentRelay(relay);
        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: true);
        Assert.Equal("delivered", (await merchant.GetTransactionAsync(transaction.Id)).Str("status"));

        var ack = await terminal.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(transaction.Id, 1250));

        Assert.Equal(new CompletionAck(true, "approved"), ack);
        var done = await merchant.GetTransactionAsync(transaction.Id);
        Assert.Equal("approved", done.Str("status"));
        Assert.Equal("A1B2C3", done["result"]!.Str("authCode"));
    }

    [Fact]
    public async Task RestartedRelayResendsAcknowledgedTransactionToTheSameDevice()
    {
        var merchant = await relay.NewMerchantAsync();
        var first = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(first, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await first.AcceptNextAsync(start: false);

        // Relay and terminal app both restart; the device (its token) is the same.
        await relay.RestartAsync(whileDown: async _ => await first.DisposeAsync());
        merchant = merchant.OnCurrentRelay(relay);
        await using var second = await relay.ConnectAsync(first.TerminalId, first.DeviceToken, simulate: false);

        var resent = await second.NextStart();
        Assert.Equal(transaction.Id, resent.Id);
        Assert.Equal(1250, resent.Amount);
        Assert.True(await second.Client.TransactionReceivedAsync(resent.Id));
        Assert.Equal("in_progress", await second.Client.TransactionStartedAsync(resent.Id));
        Assert.Equal(new CompletionAck(true, "approved"),
            await second.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(resent.Id, 1250)));
        Assert.Equal("approved", (await merchant.GetTransactionAsync(transaction.Id)).Str("status"));
    }

    [Fact]
    public async Task ResultReportedWhileTheRelayIsDownIsDeliveredWhenItIsBack()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await terminal.AcceptNextAsync();

        // Nothing may throw while the relay is down (the fixture would stay without one): record, assert afterwards.
        Task<CompletionAck>? completion = null;
        var saved = false;
        await relay.RestartAsync(whileDown: async _ =>
        {
            await Within(TimeSpan.FromSeconds(5), () => !terminal.Client.IsConnected);
            completion = terminal.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(transaction.Id, 1250));
            saved = await Within(TimeSpan.FromSeconds(5), () => Directory.EnumerateFiles(terminal.OutboxDirectory, "*.json").Any());
        });
        Assert.True(saved, "the result was not saved in the outbox");
        Assert.False(completion!.IsCompletedSuccessfully, "the result was answered while the relay was down");

        var ack = await completion!.WaitAsync(TimeSpan.FromSeconds(Scenario.Patience));
        Assert.Equal(new CompletionAck(true, "approved"), ack);
        Assert.Empty(Directory.EnumerateFiles(terminal.OutboxDirectory, "*.json"));
        var done = await merchant.OnCurrentRelay(relay).GetTransactionAsync(transaction.Id);
        Assert.Equal("approved", done.Str("status"));
        Assert.Equal("A1B2C3", done["result"]!.Str("authCode"));
    }

    [Fact]
    public async Task ResultSavedByATerminalProcessThatDiedIsDeliveredByTheNextOneOverTheSameOutbox()
    {
        var merchant = await relay.NewMerchantAsync();
        var dying = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(dying, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await dying.AcceptNextAsync();

        // The card was approved and the result saved, but the relay never answered before the terminal app stopped.
        Exception? gaveUpWaiting = null;
        await relay.RestartAsync(whileDown: async _ =>
        {
            using var gaveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await dying.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(transaction.Id, 1250), gaveUp.Token);
            }
            catch (Exception e)
            {
                gaveUpWaiting = e;
            }

            await dying.DisposeAsync();
        });
        Assert.IsAssignableFrom<OperationCanceledException>(gaveUpWaiting);
        await NextRunSendsTheSavedResultAsync(merchant.OnCurrentRelay(relay), dying, transaction.Id);
    }

    [Fact]
    public async Task AResultSavedBeforeTheAppShowedItIsSentByTheNextRunInsteadOfChargingAgain()
    {
        var merchant = await relay.NewMerchantAsync();
        var dying = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(dying, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        var transaction = await dying.AcceptNextAsync();

        // Approved and saved the moment it was decided; the app died while it showed and printed it, before reporting it.
        await dying.Client.SaveResultAsync(DeliveryScript.ApprovedResult(transaction.Id, 1250));
        await dying.DisposeAsync();
        await NextRunSendsTheSavedResultAsync(merchant, dying, transaction.Id);
    }

    /// <summary>The dead app's approval waits in its outbox, the payment in progress; the next app over the same outbox sends it.</summary>
    private async Task NextRunSendsTheSavedResultAsync(Merchant merchant, TestTerminal dying, string transactionId)
    {
        Assert.Single(Directory.EnumerateFiles(dying.OutboxDirectory, "*.json"));
        Assert.Equal("in_progress", (await merchant.GetTransactionAsync(transactionId)).Str("status"));

        await using var next = await relay.ConnectAsync(dying.TerminalId, dying.DeviceToken, dying.OutboxDirectory, simulate: false);

        var done = await merchant.GetTransactionAsync(transactionId, wait: 10);
        Assert.Equal("approved", done.Str("status"));
        Assert.Equal("A1B2C3", done["result"]!.Str("authCode"));
        // The relay re-sends the transaction on connect, but the saved result answers it: the card is not asked for again.
        Assert.True(await next.NoStartWithin(TimeSpan.FromSeconds(1)), "the terminal app was asked to run a transaction it had decided");
        await Scenario.Eventually(() => Task.FromResult(!Directory.EnumerateFiles(next.OutboxDirectory, "*.json").Any()),
            "the outbox empties");
    }

    [Fact]
    public async Task PendingTransactionSurvivesARelayRestartAndReachesTheTerminal()
    {
        var merchant = await relay.NewMerchantAsync();
        var offline = await relay.NewOfflineTerminalAsync(merchant, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");

        await relay.RestartAsync();
        merchant = merchant.OnCurrentRelay(relay);
        await using var terminal = await relay.ConnectAsync(offline.TerminalId, offline.DeviceToken, simulate: true);

        var done = await merchant.GetTransactionAsync(id, wait: 10);
        Assert.True(done.Str("status") == "approved", terminal.Output.ToString());
    }

    /// <summary>Polls without throwing (for use while the relay is down); false when the time ran out.</summary>
    private static async Task<bool> Within(TimeSpan timeout, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
