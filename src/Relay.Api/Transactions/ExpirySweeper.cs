using Relay.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Relay.Api.Data;

namespace Relay.Api.Transactions;

/// <summary>
/// Ends transactions that no terminal received by their deadline (only those: an acknowledged transaction is only ever
/// ended by its terminal), and clears out old idempotency keys, pairing codes and events.
/// </summary>
public sealed class ExpirySweeper(IServiceScopeFactory scopes, TimeProvider clock,
    IOptions<RelayOptions> options, ILogger<ExpirySweeper> logger) : BackgroundService
{
    private static readonly TimeSpan HousekeepingInterval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        var nextHousekeeping = DateTimeOffset.MinValue;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var now = clock.Now();
                await scope.ServiceProvider.GetRequiredService<TransactionService>().ExpireDueAsync();

                if (now >= nextHousekeeping)
                {
                    nextHousekeeping = now + HousekeepingInterval;
                    var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
                    var keysBefore = now - options.Value.IdempotencyKeyRetention;
                    await db.IdempotencyRecords.Where(r => r.CreatedAt < keysBefore).ExecuteDeleteAsync(stoppingToken);
                    await db.PairingCodes.Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(stoppingToken);
                    var eventsBefore = now - options.Value.Events.Retention;
                    await db.Events.Where(e => e.OccurredAt < eventsBefore).ExecuteDeleteAsync(stoppingToken);
                    await db.WebhookDeliveries.Where(d => d.CompletedAt < eventsBefore).ExecuteDeleteAsync(stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Expiry sweep failed; retrying at the next tick");
            }
        }
    }
}
