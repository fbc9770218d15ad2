using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// Two relay instances share one database: a POS call to one reaches a terminal connected to the other, waits and
/// streams on one wake for changes made on the other, and a dead or stopping instance's terminals are handled.
/// </summary>
public sealed class MultiInstanceTests(TwoRelaysFixture relays) : IClassFixture<TwoRelaysFixture>
{
    [Fact]
    public async Task PaymentCreatedOnOneInstanceForATerminalOnTheOtherCompletesWithPreferWait()
    {
        var merchant = await relays.NewMerchantAsync();
        await using var terminal = await relays.NewTerminalAsync(merchant, simulate: true); // connected to B
        await merchant.PairAsync(terminal, "till-1"); // paired through A

        var transaction = await merchant.PurchaseAsync("till-1", 1250, wait: 30).Expect(201); // created on A

        Assert.True(transaction.Str("status") == "approved", terminal.Output.ToString());
        Assert.True((bool)transaction["terminalOnline"]!);
        var onSecond = await relays.OnSecond(merchant).GetTransactionAsync(transaction.Str("id"));
        Assert.Equal("approved", onSecond.Str("status"));
    }

    [Fact]
    public async Task PairingAndCancelOnOneInstanceReachTheTerminalOnTheOther()
    {
        var merchant = await relays.NewMerchantAsync();
        await using var terminal = await relays.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1", "Till 1");
        Assert.Equal(new PairingChange("till-1", "Till 1", true), await terminal.NextPairingChange());

        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");
        var started = await terminal.AcceptNextAsync();
        Assert.Equal(id, started.Id);
        await merchant.Http.PostAsync($"/api/v1/transactions/{id}/cancel", null).Expect(202);

        Assert.Equal(id, await terminal.NextCancel());
        await terminal.Client.CompleteTransactionAsync(new TerminalResult(id, TransactionOutcome.Cancelled) { ResponseText = "Cancelled" });
        Assert.Equal("cancelled", (await merchant.GetTransactionAsync(id)).Str("status"));
    }

    [Fact]
    public async Task EventStreamOnOneInstanceSeesChangesMadeOnTheOther()
    {
        var merchant = await relays.NewMerchantAsync();
        await using var terminal = await relays.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(terminal, "till-1");
        await using var streamOnA = await EventStreamReader.OpenAsync(merchant.Http);

        var id = (await relays.OnSecond(merchant).PurchaseAsync("till-1", 1250).Expect(201)).Str("id"); // created on B

        var story = await streamOnA.UntilAsync(e => e.Type == "transaction.updated" && e.Data.Str("status") == "approved");
        Assert.All(story.Where(e => e.Type == "transaction.updated"), e => Assert.Equal(id, e.Data.Str("id")));
        Assert.Equal(["pending", "delivered", "in_progress", "approved"],
            story.Where(e => e.Type == "transaction.updated").Select(e => e.Data.Str("status")));
    }

    [Fact]
    public async Task HintsGoToTheInstancesThatNeedThemAndNoOther()
    {
        var merchant = await relays.NewMerchantAsync();
        await using var terminal = await relays.NewTerminalAsync(merchant, simulate: true); // connected to B
        await merchant.PairAsync(terminal, "till-1");
        var a = relays.Factory.Services.GetRequiredService<Relay.Api.Cluster.ThisInstance>().Id;
        var b = relays.Second.Services.GetRequiredService<Relay.Api.Cluster.ThisInstance>().Id;
        // A third instance that holds no terminal and serves no request: it hears every broadcast, and its own channel.
        var idle = Guid.NewGuid();
        await using var heardByIdle = await HintChannel.ListenAsync(relays.ConnectionString, "relay", HintChannel.Of(idle));
        await heardByIdle.NotifyAsync("i:" + idle);
        await using var heardByA = await HintChannel.ListenAsync(relays.ConnectionString, HintChannel.Of(a));
        await using var heardByB = await HintChannel.ListenAsync(relays.ConnectionString, HintChannel.Of(b));
        await using var streamOnA = await EventStreamReader.OpenAsync(merchant.Http);

        var id = (await merchant.PurchaseAsync("till-1", 1250, wait: 30).Expect(201)).Str("id"); // waited on A
        await streamOnA.UntilAsync(e => e.Type == "transaction.updated" && e.Data.Str("status") == "approved");

        // A waits on the transaction and streams the account: it is told when B finishes it and numbers its events.
        var toA = heardByA.Until("t:" + id, "e:" + merchant.AccountId);
        Assert.Contains("t:" + id, toA);
        Assert.Contains("e:" + merchant.AccountId, toA);
        // B holds the terminal: it is told of the payment A created for it.
        Assert.Contains($"p:{terminal.TerminalId}:StartTransaction:{id}", heardByB.Until($"p:{terminal.TerminalId}:StartTransaction:{id}"));
        // The idle instance is told nothing of it.
        var toIdle = await heardByIdle.UntilMarkerAsync();
        Assert.DoesNotContain(toIdle, h => h.Contains(id) || h.Contains(merchant.AccountId) || h.Contains(terminal.TerminalId));
    }

    [Fact]
    public async Task AnApiKeyDeletedOnOneInstanceIsRefusedByTheOtherAtOnce()
    {
        var merchant = await relays.NewMerchantAsync();
        var onSecond = relays.OnSecond(merchant);
        await onSecond.Http.GetAsync("/api/v1/terminals").Expect(200); // B has checked (and remembers) the key
        var keyId = (await relays.Admin().GetAsync($"/api/v1/accounts/{merchant.AccountId}/api-keys").Expect(200)).AsArray().Single()!
            .Str("id");

        await relays.Admin().DeleteAsync($"/api/v1/accounts/{merchant.AccountId}/api-keys/{keyId}").Expect(204); // on A

        // B hears of it (a notification), long before its memory of the key would lapse (a minute).
        var refusedAfter = System.Diagnostics.Stopwatch.StartNew();
        while ((await onSecond.Http.GetAsync("/api/v1/terminals")).StatusCode != System.Net.HttpStatusCode.Unauthorized)
        {
            Assert.True(refusedAfter.Elapsed < TimeSpan.FromSeconds(10), "the deleted key still works on the other instance");
            await Task.Delay(50);
        }

        await merchant.Http.GetAsync("/api/v1/terminals").ExpectUnauthenticated();
    }

    [Fact]
    public async Task ATerminalShownOfflineWhileItsInstanceStillHoldsItIsRecordedAgainAndReachedByPushes()
    {
        var merchant = await relays.NewMerchantAsync();
        await using var terminal = await relays.NewTerminalAsync(merchant, simulate: false); // connected to B
        await merchant.PairAsync(terminal, "till-1");
        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: true);

        // What another instance's sweep writes when B was slow to beat just after it recorded its terminals again.
        await using (var db = new NpgsqlConnection(relays.ConnectionString))
        {
            await db.OpenAsync();
            await using var offline = new NpgsqlCommand("UPDATE terminals SET connection_id = NULL, instance_id = NULL WHERE id = $1", db)
            {
                Parameters = { new() { Value = Guid.Parse(terminal.TerminalId) } },
            };
            await offline.ExecuteNonQueryAsync();
        }

        // A payment created on A meanwhile still reaches the terminal on B (a push for a terminal no instance is recorded
        // holding goes to all), and B records it again within a few heartbeats.
        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");
        Assert.Equal(id, (await terminal.AcceptNextAsync()).Id);
        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: true);
    }

    [Fact]
    public async Task TerminalsOfAnInstanceThatDiedAreShownOfflineWithinSeconds()
    {
        var merchant = await relays.NewMerchantAsync();
        var terminal = await relays.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await terminal.DisposeAsync();
        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: false);

        // An instance that held the terminal and then died (SIGKILL: it never said goodbye) — as the database last saw it,
        // its last heartbeat just now, so the check below sees the terminal online first (for DeadAfter, 10 s).
        await using (var db = new NpgsqlConnection(relays.ConnectionString))
        {
            await db.OpenAsync();
            var dead = Guid.NewGuid();
            await using var transaction = await db.BeginTransactionAsync();
            await using (var instance = new NpgsqlCommand(
                "INSERT INTO relay_instances (id, name, started_at, heartbeat_at) " +
                "VALUES ($1, 'dead', now() - interval '1 hour', now())", db))
            {
                instance.Parameters.Add(new() { Value = dead });
                await instance.ExecuteNonQueryAsync();
            }

            await using (var held = new NpgsqlCommand(
                "UPDATE terminals SET connection_id = 'conn-on-dead', instance_id = $1 WHERE id = $2", db))
            {
                held.Parameters.Add(new() { Value = dead });
                held.Parameters.Add(new() { Value = Guid.Parse(terminal.TerminalId) });
                await held.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        await using var stream = await EventStreamReader.OpenAsync(merchant.Http);
        Assert.True(await merchant.TerminalOnlineAsync(terminal.TerminalId), "the setup did not make the terminal look online");
        var offline = await stream.UntilAsync(e => e.Type == "terminal.offline");
        Assert.Equal(terminal.TerminalId, offline[^1].Data.Str("terminalId"));
        Assert.False(await merchant.TerminalOnlineAsync(terminal.TerminalId));

        // The POS is told plainly: a payment for it now is queued, with terminalOnline false.
        var queued = await merchant.PurchaseAsync("till-1", 1250).Expect(201);
        Assert.Equal("pending", queued.Str("status"));
        Assert.False((bool)queued["terminalOnline"]!);
        await merchant.Http.PostAsync($"/api/v1/transactions/{queued.Str("id")}/cancel", null).Expect(202);
    }
}

/// <summary>A deploy stops an instance (SIGTERM): its own pair of relays, since the instance does not come back.</summary>
public sealed class InstanceStopTests(TwoRelaysFixture relays) : IClassFixture<TwoRelaysFixture>
{
    [Fact]
    public async Task StoppingAnInstanceMovesItsTerminalsToAnotherAndTheirPaymentsFinish()
    {
        var merchant = await relays.NewMerchantAsync();
        await using var terminal = await relays.NewTerminalAsync(merchant, simulate: false); // on B
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");
        var started = await terminal.AcceptNextAsync();

        await relays.StopSecondAsync(); // the terminal's socket is closed; it reconnects to A

        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: true);
        var ack = await terminal.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(started.Id, 1250));
        Assert.Equal(new CompletionAck(true, "approved"), ack);
        Assert.Equal("approved", (await merchant.GetTransactionAsync(id)).Str("status"));
    }
}
