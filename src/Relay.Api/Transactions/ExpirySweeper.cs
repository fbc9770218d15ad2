using Microsoft.Extensions.Options;
using Relay.Api.Infrastructure;

namespace Relay.Api.Transactions;

/// <summary>
/// Ends transactions that no terminal received by their deadline (only those: an acknowledged transaction is only ever
/// ended by its terminal).
/// </summary>
public sealed class ExpirySweeper(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<RelayOptions> options, ILogger<ExpirySweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<TransactionService>().ExpireDueAsync();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Expiry sweep failed; retrying at the next tick");
            }
        }
    }
}
