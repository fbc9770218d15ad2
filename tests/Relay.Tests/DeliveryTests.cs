using System.Diagnostics;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>Getting a transaction to the terminal: offline terminals, the delivery deadline, and Prefer: wait.</summary>
public sealed class DeliveryTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task TerminalPresenceFollowsItsConnection()
    {
        var merchant = await relay.NewMerchantAsync();
        var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: true);

        await terminal.DisposeAsync();
        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: false);

        await using var back = await relay.ConnectAsync(terminal.TerminalId, terminal.DeviceToken, simulate: false);
        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: true);
    }

    [Fact]
    public async Task TransactionForOfflineTerminalWaitsPendingAndIsDeliveredWhenItConnects()
    {
        var merchant = await relay.NewMerchantAsync();
        var offline = await relay.NewOfflineTerminalAsync(merchant, "till-1");

        var created = await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        Assert.Equal("pending", created.Str("status"));
        Assert.False((bool)created["terminalOnline"]!);
        Assert.Null(created["deliveredAt"]);
        Assert.False(await merchant.TerminalOnlineAsync(offline.TerminalId));

        await using var terminal = await relay.ConnectAsync(offline.TerminalId, offline.DeviceToken, simulate: true);
        var done = await merchant.GetTransactionAsync(created.Str("id"), wait: 10);

        Assert.True(done.Str("status") == "approved", terminal.Output.ToString());
        Assert.True((bool)done["terminalOnline"]!);
        Assert.NotNull(done["deliveredAt"]);
        Assert.Equal("approved", done["result"]!.Str("outcome"));
        Assert.True(await merchant.TerminalOnlineAsync(offline.TerminalId));
    }

    [Fact]
    public async Task UndeliveredTransactionExpiresAndTheTerminalNeverSeesIt()
    {
        var merchant = await relay.NewMerchantAsync();
        var offline = await relay.NewOfflineTerminalAsync(merchant, "till-1");
        var created = await merchant.PurchaseAsync("till-1", 1250, expiresInSeconds: 5).Expect(201);
        Assert.Equal("pending", created.Str("status"));

        relay.Clock.Advance(TimeSpan.FromSeconds(10));
        var expired = await merchant.GetTransactionAsync(created.Str("id"), wait: 10);

        Assert.Equal("expired", expired.Str("status"));
        Assert.NotNull(expired["completedAt"]);
        Assert.Null(expired["result"]);
        Assert.Null(expired["deliveredAt"]);

        await using var terminal = await relay.ConnectAsync(offline.TerminalId, offline.DeviceToken, simulate: false);
        Assert.True(await terminal.NoStartWithin(TimeSpan.FromSeconds(1)), "the expired transaction reached the terminal");

        // The expired transaction does not keep the terminal busy, and the connection that saw nothing does carry work.
        var next = await merchant.PurchaseAsync("till-1", 1300).Expect(201);
        Assert.Equal(next.Str("id"), (await terminal.NextStart()).Id);
    }

    [Fact]
    public async Task AcknowledgedTransactionIsNeverExpiredOnlyTheTerminalEndsIt()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        // A second terminal's undelivered transaction shows when the sweeper has run past both deadlines.
        await relay.NewOfflineTerminalAsync(merchant, "till-2");

        var delivered = await merchant.PurchaseAsync("till-1", 1250, expiresInSeconds: 60).Expect(201);
        var control = await merchant.PurchaseAsync("till-2", 1250, expiresInSeconds: 60).Expect(201);
        var id = delivered.Str("id");
        await terminal.AcceptNextAsync(start: false);
        Assert.Equal("delivered", (await merchant.GetTransactionAsync(id)).Str("status"));

        relay.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("expired", (await merchant.GetTransactionAsync(control.Str("id"), wait: 10)).Str("status"));

        var still = await merchant.GetTransactionAsync(id);
        Assert.Equal("delivered", still.Str("status"));
        Assert.Null(still["completedAt"]);
        Assert.Null(still["result"]);

        // However late, the terminal's result is what ends it.
        var ack = await terminal.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(id, 1250));
        Assert.Equal(new CompletionAck(true, "approved"), ack);
        Assert.Equal("approved", (await merchant.GetTransactionAsync(id)).Str("status"));
    }

    [Fact]
    public async Task AcknowledgementAfterTheDeadlineIsRefusedAndTheTransactionExpires()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var created = await merchant.PurchaseAsync("till-1", 1250, expiresInSeconds: 5).Expect(201);
        var start = await terminal.NextStart();
        Assert.Equal(created.Str("id"), start.Id);

        // Past the deadline, whether or not the sweeper got there first: delivery and expiry can never both happen.
        relay.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.False(await terminal.Client.TransactionReceivedAsync(start.Id));

        var expired = await merchant.GetTransactionAsync(start.Id, wait: 10);
        Assert.Equal("expired", expired.Str("status"));
        Assert.Null(expired["deliveredAt"]);
        Assert.Null(expired["result"]);
    }

    [Fact]
    public async Task GetWithPreferWaitOnATransactionThatStaysPendingAnswersWhenTheWaitIsOver()
    {
        var merchant = await relay.NewMerchantAsync();
        await relay.NewOfflineTerminalAsync(merchant, "till-1");
        var created = await merchant.PurchaseAsync("till-1", 1250).Expect(201);

        var clock = Stopwatch.StartNew();
        var response = await merchant.GetTransactionAsync(created.Str("id"), wait: 2);

        Assert.Equal("pending", response.Str("status"));
        Assert.False((bool)response["terminalOnline"]!);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"answered after {clock.Elapsed}: the wait was not honoured");
    }

    [Fact]
    public async Task PostWithPreferWaitAnswersWithTheFinalStateOnceTheTerminalReports()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        var post = merchant.PurchaseAsync("till-1", 4200, wait: 20);
        var transaction = await terminal.AcceptNextAsync();
        Assert.False(post.IsCompleted, "the POST answered before the transaction was final");
        await terminal.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(transaction.Id, 4200));

        var response = await post;
        var body = await Task.FromResult(response).Expect(201);
        Assert.Equal($"/api/v1/transactions/{transaction.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(transaction.Id, body.Str("id"));
        Assert.Equal("approved", body.Str("status"));
        Assert.Equal("A1B2C3", body["result"]!.Str("authCode"));
        Assert.Equal(4200, (long)body["result"]!["amountAuthorised"]!);
        Assert.NotNull(body["startedAt"]);
        Assert.NotNull(body["completedAt"]);
    }
}
