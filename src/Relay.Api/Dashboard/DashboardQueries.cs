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

    private const string Minute = """
        date_trunc('minute', t.created_at) AS at, count(*)::int AS payments,
        (count(*) FILTER (WHERE t.status = 'approved'))::int AS approved,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.delivered_at - t.created_at) * 1000) AS delivery_p50ms,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM t.delivered_at - t.created_at) * 1000) AS delivery_p95ms
        """;

    private const string Payments = "t.type IN ('purchase', 'refund', 'cash_out', 'pre_auth', 'capture', 'void')";

    /// <summary>
    /// The minutes since <paramref name="from"/> in which payments were created, with their delivery latency; every
    /// account's when <paramref name="account"/> is null, read account by account through the (account_id, created_at)
    /// index.
    /// </summary>
    public static Task<List<ActivityMinute>> ActivityAsync(RelayDbContext db, Guid? account, DateTimeOffset from, CancellationToken ct) =>
        (account is { } id
            ? db.Database.SqlQueryRaw<ActivityMinute>($$"""
                SELECT {{Minute}} FROM transactions t
                WHERE t.account_id = {0} AND t.created_at >= {1} AND {{Payments}} GROUP BY 1
                """, id, from)
            : db.Database.SqlQueryRaw<ActivityMinute>($$"""
                SELECT {{Minute}} FROM accounts a JOIN transactions t ON t.account_id = a.id
                WHERE t.created_at >= {0} AND {{Payments}} GROUP BY 1
                """, from)).ToListAsync(ct);
}
