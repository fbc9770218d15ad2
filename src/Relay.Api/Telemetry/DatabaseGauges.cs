using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;

namespace Relay.Api.Telemetry;

/// <summary>
/// The gauges that only the database knows (the webhook backlog, the event numbering lag), read every few seconds: a
/// scrape reads the last values and never waits for a query. Unknown (null) until the first reading and after one
/// fails, so that an outage never shows as a healthy figure.
/// </summary>
public sealed class DatabaseGauges(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DatabaseGauges> logger)
    : PeriodicWork(clock, logger)
{
    /// <summary>The backlog is counted up to this many: enough to see an outage, and a bounded read during one.</summary>
    public const int BacklogCountedUpTo = 1_000_000;

    private sealed record Reading(long Backlog, double Lag);

    public long? WebhookBacklog { get; private set; }

    public double? NumberingLagSeconds { get; private set; }

    protected override TimeSpan Interval => TimeSpan.FromSeconds(5);

    protected override string What => "Reading the database's gauges";

    protected override async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
            // The pending deliveries through a partial index; the unnumbered events are a queue of their own.
            var reading = await db.Database.SqlQuery<Reading>($"""
                SELECT (SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries WHERE status = 'pending' LIMIT {BacklogCountedUpTo}) p)
                           AS backlog,
                       COALESCE((SELECT extract(epoch FROM {Clock.Now()} - min(e.occurred_at))
                                 FROM unnumbered_events u JOIN events e ON e.id = u.event_id), 0)
                           ::float8 AS lag
                """).SingleAsync(ct);
            WebhookBacklog = reading.Backlog;
            NumberingLagSeconds = Math.Max(0, reading.Lag);
        }
        catch
        {
            WebhookBacklog = null;
            NumberingLagSeconds = null;
            throw;
        }
    }
}
