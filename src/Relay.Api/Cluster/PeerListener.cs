using Npgsql;
using Relay.Api.Events;
using Relay.Api.FleetConfiguration;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Security;
using Relay.Api.Transactions;

namespace Relay.Api.Cluster;

/// <summary>
/// Hears what other relay instances committed (PostgreSQL LISTEN on a dedicated connection, with keepalive) and wakes
/// what waits for it here: Prefer: wait requests, event streams, pushes to terminals this instance holds, and cached API keys.
/// It listens on two channels: the one every instance hears and its own, for the hints addressed to it (<see cref="PeerNotify"/>).
/// Notifications are hints carrying ids only; one sent while the listener was away is gone, so after every
/// (re)connect it catches up: its interests are written again, every waiter re-reads, and every terminal here gets its
/// pending work and its configuration again.
/// </summary>
public sealed class PeerListener(
    IConfiguration configuration, IServiceScopeFactory scopes, TransactionWaiters waiters, Actions.ActionWaiters actionWaiters,
    EventSignals eventSignals,
    TerminalConnections connections, ApiKeyCache apiKeys, ThisInstance instance, Peers peers, PeerInterests interests,
    ILogger<PeerListener> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Relay"))
        {
            KeepAlive = 5, // a dead connection is noticed within seconds, not at the next notification
            Pooling = false,
            ApplicationName = "relay-listener",
        };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, n) => Dispatch(n.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand(
                    $"LISTEN {PeerNotify.Channel}; LISTEN {PeerNotify.ChannelOf(instance.Id)}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                logger.LogInformation("Listening for other relay instances' changes");
                peers.Seen(); // an instance may have announced itself while this one was not listening
                await CatchUpAsync(stoppingToken);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Lost the notification connection ({Error}); reconnecting in {Delay}", e.Message, RetryDelay);
                await Task.Delay(RetryDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Dispatch(string payload)
    {
        try
        {
            switch (PeerHint.Decode(payload))
            {
                case PeerHint.TransactionFinished hint:
                    waiters.Notify(hint.TransactionId);
                    break;
                case PeerHint.ActionFinished hint:
                    actionWaiters.Notify(hint.ActionId);
                    break;
                case PeerHint.EventsNumbered hint:
                    eventSignals.Notify(hint.AccountId);
                    break;
                case PeerHint.InstanceStarted hint when hint.InstanceId != instance.Id:
                    peers.Seen();
                    break;
                case PeerHint.KeysChanged hint:
                    apiKeys.Forget(hint.AccountId);
                    break;
                case PeerHint.TerminalPush push when connections.ConnectionIdOf(push.TerminalId) is not null:
                    _ = DeliverAsync(push);
                    break;
                case PeerHint.ConfigurationChanged change when change.FromInstance != instance.Id && !connections.IsEmpty:
                    _ = PushConfigurationAsync(change);
                    break;
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not handle the notification {Payload}", payload);
        }
    }

    private async Task DeliverAsync(PeerHint.TerminalPush push)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TerminalChannel>().DeliverAsync(push);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not deliver {Method} to terminal {TerminalId}", push.Method, push.TerminalId);
        }
    }

    private async Task PushConfigurationAsync(PeerHint.ConfigurationChanged change)
    {
        try
        {
            if (!WireEnum<FleetScope>.TryParse(change.Scope, out var level)) return; // a level only a newer instance knows
            await using var services = scopes.CreateAsyncScope();
            await services.ServiceProvider.GetRequiredService<FleetConfigurationService>()
                .PushToHeldAsync(change.AccountId, level, change.Key);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not push the configuration of {Scope} {Key} in account {AccountId}", change.Scope, change.Key,
                change.AccountId);
        }
    }

    private async Task CatchUpAsync(CancellationToken ct)
    {
        await interests.SyncAsync(ct); // before the re-reads: a hint sent after them finds this instance
        waiters.NotifyAll();
        actionWaiters.NotifyAll();
        eventSignals.NotifyAll();
        apiKeys.Clear();
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TerminalChannel>().ResendPendingAsync(TimeSpan.Zero, ct);
        await scope.ServiceProvider.GetRequiredService<FleetConfigurationService>().PushToHeldAsync(null, null, null, ct);
    }
}
