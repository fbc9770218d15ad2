using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;

namespace Relay.Api.Telemetry;

/// <summary>
/// The gauges that only the database knows (the webhook backlog, the event numbering lag), read every few seconds: a
/// scrape reads the last values and never waits for a query.
/// </summary>
public sealed class DatabaseGauges(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DatabaseGauges> logger)
    : PeriodicWork(clock, logger)
{
    private sealed record Reading(long Backlog, double Lag);

    public long WebhookBacklog { get; private set; }

    public double NumberingLagSeconds { get; private set; }

    protected override TimeSpan Interval => TimeSpan.FromSeconds(5);

    protected override string What => "Reading the database's gauges";

    protected override async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
        // Both through partial indexes: the pending deliveries, the unnumbered events.
        var reading = await db.Database.SqlQuery<Reading>($"""
            SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending') AS backlog,
                   COALESCE((SELECT extract(epoch FROM {Clock.Now()} - min(occurred_at)) FROM events WHERE sequence IS NULL), 0)
                       ::float8 AS lag
            """).SingleAsync(ct);
        WebhookBacklog = reading.Backlog;
        NumberingLagSeconds = Math.Max(0, reading.Lag);
    }
}
