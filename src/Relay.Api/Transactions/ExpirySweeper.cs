using Microsoft.Extensions.Options;
using Relay.Api.Infrastructure;

namespace Relay.Api.Transactions;

/// <summary>
/// Ends transactions and terminal actions that no terminal received by their deadline (only those: an acknowledged one
/// is only ever ended by its terminal).
/// </summary>
public sealed class ExpirySweeper(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<RelayOptions> options, ILogger<ExpirySweeper> logger)
    : PeriodicWork(clock, logger)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override string What => "Expiry sweep";

    protected override async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TransactionService>().ExpireDueAsync();
        await scope.ServiceProvider.GetRequiredService<Actions.ActionService>().ExpireDueAsync();
    }
}
