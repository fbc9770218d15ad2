using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.Reports;

/// <param name="AccountId">Whose transactions: every filter is within the account, so another account's ids match nothing.</param>
/// <param name="From">Inclusive, on completed_at.</param>
/// <param name="To">Exclusive, on completed_at.</param>
/// <param name="TerminalId">Only this terminal's.</param>
/// <param name="RegisterId">Only this register's.</param>
/// <param name="StoreId">Only those of the terminals whose store_id this is.</param>
/// <param name="Origin">Only those a POS asked for, or only those the terminals made by themselves.</param>
public sealed record TotalsQuery(
    Guid AccountId, DateTimeOffset From, DateTimeOffset To, Guid? TerminalId, string? RegisterId, string? StoreId,
    TransactionOrigin? Origin = null);

public static class ReportQueries
{
    /// <summary>
    /// Final transactions are read by the moment they became final: every way into a final status sets completed_at
    /// (TransactionStateMachine), and nothing else does, so the partial index on (account_id, completed_at, terminal_id) holds
    /// exactly the final ones. The sums are numeric in PostgreSQL; cast back to bigint, an overflow is an error, never a
    /// wrapped figure. Only the filters asked for are in the statement, so each shape gets its own plan.
    /// </summary>
    private const string Totals = """
        SELECT t.type, t.status, t.currency, count(*) AS count,
            COALESCE(sum(t.amount), 0)::bigint AS amount,
            COALESCE(sum((t.result ->> 'amountAuthorised')::bigint), 0)::bigint AS amount_authorised,
            COALESCE(sum(COALESCE((t.result ->> 'tipAmount')::bigint, t.tip_amount)), 0)::bigint AS tip_amount,
            COALESCE(sum(t.cash_out_amount), 0)::bigint AS cash_out_amount,
            COALESCE(sum((t.result ->> 'surchargeAmount')::bigint), 0)::bigint AS surcharge_amount
        FROM transactions t
        WHERE t.account_id = {0} AND t.completed_at >= {1} AND t.completed_at < {2}
          AND t.status NOT IN ('pending', 'delivered', 'in_progress', 'cancel_requested')
        """;

    public static async Task<List<TotalsRow>> TotalsAsync(this RelayDbContext db, TotalsQuery q, CancellationToken ct)
    {
        // Npgsql writes only UTC offsets to timestamptz.
        var arguments = new List<object> { q.AccountId, q.From.ToUniversalTime(), q.To.ToUniversalTime() };
        var sql = new System.Text.StringBuilder(Totals);
        if (q.TerminalId is { } terminal) sql.Append($"\n  AND t.terminal_id = {Next(terminal)}");
        if (q.RegisterId is { } register) sql.Append($"\n  AND t.register_id = {Next(register)}");
        if (q.Origin is { } origin) sql.Append($"\n  AND t.origin = {Next(WireEnum<TransactionOrigin>.Name(origin))}");
        if (q.StoreId is { } store)
        {
            sql.Append("\n  AND t.terminal_id IN (SELECT s.id FROM terminals s WHERE s.account_id = {0}")
                .Append($" AND s.store_id = {Next(store)})");
        }

        sql.Append("\nGROUP BY t.type, t.status, t.currency ORDER BY t.type, t.status, t.currency");
        var rows = await db.Database.SqlQueryRaw<Row>(sql.ToString(), [.. arguments]).ToListAsync(ct);
        return rows.Select(r => new TotalsRow(WireEnum<TransactionType>.Parse(r.Type), WireEnum<TransactionStatus>.Parse(r.Status),
            r.Currency, r.Count, r.Amount, r.AmountAuthorised, r.TipAmount, r.CashOutAmount, r.SurchargeAmount)).ToList();

        // The placeholder of one more parameter.
        string Next(object value)
        {
            arguments.Add(value);
            return "{" + (arguments.Count - 1) + "}";
        }
    }

    private sealed record Row(
        string Type, string Status, string? Currency, long Count, long Amount, long AmountAuthorised, long TipAmount, long CashOutAmount,
        long SurchargeAmount);
}
