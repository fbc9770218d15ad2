using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;

namespace Relay.Api.Dashboard;

public static class DashboardQueries
{
    /// <summary>The names of the accounts, by id.</summary>
    public static async Task<Dictionary<Guid, string>> AccountNamesAsync(
        this RelayDbContext db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var distinct = ids.Distinct().ToList();
        return await db.Accounts.AsNoTracking().Where(a => distinct.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
    }

    /// <summary>
    /// The minutes since <paramref name="from"/> in which payments were created, with their delivery latency. Every
    /// account's through the accounts, so each account's part comes from the (account_id, created_at) index.
    /// </summary>
    public static Task<List<ActivityMinute>> ActivityAsync(RelayDbContext db, Guid? account, DateTimeOffset from, CancellationToken ct) =>
        db.Database.SqlQuery<ActivityMinute>($"""
            SELECT date_trunc('minute', t.created_at) AS at, count(*)::int AS payments,
                   (count(*) FILTER (WHERE t.status = 'approved'))::int AS approved,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.delivered_at - t.created_at) * 1000) AS delivery_p50ms,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM t.delivered_at - t.created_at) * 1000) AS delivery_p95ms
            FROM accounts a JOIN transactions t ON t.account_id = a.id
            WHERE (CAST({account} AS uuid) IS NULL OR a.id = CAST({account} AS uuid)) AND t.created_at >= {from}
              AND t.type IN ('purchase', 'refund', 'cash_out', 'pre_auth', 'capture', 'void')
            GROUP BY 1
            """).ToListAsync(ct);
}
