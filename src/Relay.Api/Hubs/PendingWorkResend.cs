using Microsoft.Extensions.Options;
using Relay.Api.Infrastructure;

namespace Relay.Api.Hubs;

/// <summary>
/// Every heartbeat interval, sends the terminals held here their pending work again
/// (<see cref="TerminalChannel.ResendPendingAsync"/>), in case a push from another instance was lost. Terminals ignore repeats.
/// </summary>
public sealed class PendingWorkResend(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<RelayOptions> options, ILogger<PendingWorkResend> logger)
    : PeriodicWork(clock, logger)
{
    protected override TimeSpan Interval => options.Value.Cluster.HeartbeatInterval;

    protected override string What => "Re-sending pending work";

    protected override async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TerminalChannel>().ResendPendingAsync(options.Value.Cluster.ResendAfter, ct);
    }
}
