using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Relay.Api.Data;
using Relay.Api.Transactions;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>The one step committed without waiting for the disk (started) relaxes only its own commit, never the connection's.</summary>
public sealed class CommitDurabilityTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task StartedRelaxesOnlyItsOwnCommitNotTheConnectionsLaterOnes()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var id = Guid.Parse((await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id"));
        await terminal.AcceptNextAsync(start: false);

        await using var scope = relay.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
        var states = scope.ServiceProvider.GetRequiredService<TransactionStateMachine>();
        await db.Database.OpenConnectionAsync(); // one connection for all that follows
        await db.Database.ExecuteSqlAsync($"SET synchronous_commit = on"); // this connection's setting (test databases run without)
        var device = await db.Transactions.Where(t => t.Id == id).Select(t => t.DeliveredDeviceId!.Value).SingleAsync();

        var started = await states.Start(id, Guid.Parse(terminal.TerminalId), device, DateTimeOffset.UtcNow);

        Assert.Equal(TransactionStatus.InProgress, started?.Transaction.Status);
        Assert.Equal("on",
            await db.Database.SqlQuery<string>($"""SELECT current_setting('synchronous_commit') AS "Value" """).SingleAsync());
        Assert.Equal("in_progress", (await merchant.GetTransactionAsync(id.ToString())).Str("status"));
    }
}
