using Microsoft.Extensions.Options;

namespace Relay.Api.Hubs;

/// <summary>
/// Every heartbeat interval, sends the terminals held here their pending work again (<see cref="TerminalChannel.ResendPendingAsync"/>),
/// in case a push from another instance was lost. Terminals ignore repeats.
/// </summary>
public sealed class PendingWorkResend(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<RelayOptions> options, ILogger<PendingWorkResend> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Cluster.HeartbeatInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<TerminalChannel>()
                    .ResendPendingAsync(options.Value.Cluster.ResendAfter, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Re-sending pending work failed ({Error}); retrying at the next tick", e.Message);
            }
        }
    }
}
