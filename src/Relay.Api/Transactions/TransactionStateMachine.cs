using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Telemetry;

namespace Relay.Api.Transactions;

/// <summary>
/// Every transaction transition, each one guarded UPDATE … WHERE status IN (…) RETURNING the changed row, so relay
/// instances, late results, cancels and the expiry sweep can race without harm: a transition that lost the race returns
/// nothing. Each statement appends the row's transaction.updated event too (relay_transaction_updated), so a change and
/// its event are one statement: atomic without a transaction of their own, one round trip. What follows a change is
/// done here too, once for all of them (<see cref="Changed"/>).
/// </summary>
/// <remarks>
/// pending → delivered → in_progress → approved | declined | cancelled | failed;
/// pending → cancelled (cancel) | expired (never delivered by expires_at);
/// delivered | in_progress → cancel_requested → the terminal's outcome.
/// Once acknowledged, only the device that acknowledged it (or an operator, when that device is gone) ends it.
/// </remarks>
public sealed class TransactionStateMachine(
    RelayDbContext db, EventLog events, TransactionWaiters waiters, PeerNotify notify, TerminalChannel terminals,
    TerminalConnections connections, RelayMetrics metrics)
{
    private const string Returning = "RETURNING relay_transaction_updated(transactions) AS snapshot";

    private static readonly ConcurrentDictionary<(string Format, string Returning), string> Statements = new();

    /// <summary>
    /// A new transaction, pending, on the terminal paired with its register (or on <paramref name="terminalId"/> when the caller
    /// names it: a nexo POS names the terminal, POIID, in every message), with the Idempotency-Key that created it:
    /// both rows or neither; then it is sent to the terminal. Nothing when the register is not paired, its terminal was
    /// removed, or the original transaction is not in the account, and the statement says which. A unique violation
    /// names the key, or the terminal's open transaction, that refused it. One statement, one round trip.
    /// </summary>
    /// <remarks>
    /// The terminal and register name of <paramref name="t"/> are the pairing's; nullable values are cast, since a null parameter
    /// has no type.
    /// </remarks>
    public async Task<(TransactionSnapshot? Created, TransactionRefusal? Refused)> Create(
        Transaction t, IdempotencyRecord key, Guid? terminalId = null)
    {
        var type = WireEnum<TransactionType>.Name(t.Type);
        var status = WireEnum<TransactionStatus>.Name(t.Status);
        var options = t.Options is null ? null : JsonSerializer.Serialize(t.Options, RelayJson.Options);
        var rows = await Run<TransactionRefusal?>($"""
            WITH pairing AS (
                SELECT p.terminal_id, p.register_name, terminals.status = 'removed' AS removed
                FROM pairings p JOIN terminals ON terminals.id = p.terminal_id
                WHERE p.account_id = {t.AccountId} AND p.register_id = {t.RegisterId} AND CAST({terminalId} AS uuid) IS NULL
                UNION ALL
                SELECT id, NULL, status = 'removed' FROM terminals
                WHERE id = CAST({terminalId} AS uuid) AND account_id = {t.AccountId}),
            original AS (
                SELECT CAST({t.OriginalTransactionId} AS uuid) IS NULL OR EXISTS (SELECT 1 FROM transactions o
                    WHERE o.id = CAST({t.OriginalTransactionId} AS uuid) AND o.account_id = {t.AccountId}) AS known),
            chosen AS (SELECT pairing.* FROM pairing, original WHERE NOT pairing.removed AND original.known),
            idempotency AS (
                INSERT INTO idempotency_records (account_id, key, request_hash, transaction_id, created_at)
                SELECT {key.AccountId}, {key.Key}, {key.RequestHash}, {key.TransactionId}, {key.CreatedAt} FROM chosen),
            created AS (
                -- The columns listed: inserting jsonb_populate_record(NULL::transactions, <the entity's JSON>) instead, which
                -- would leave no column list to keep, made the create measurably slower (bench/results/README.md).
                INSERT INTO transactions (id, account_id, register_id, register_name, terminal_id, open_terminal_id, type, status,
                    amount, currency, cash_out_amount, tip_amount, reference, original_transaction_id, callback_url, created_at,
                    updated_at, expires_at, traceparent, options)
                SELECT {t.Id}, {t.AccountId}, {t.RegisterId}, chosen.register_name, chosen.terminal_id, chosen.terminal_id, {type},
                    {status},
                    CAST({t.Amount} AS bigint), CAST({t.Currency} AS text), CAST({t.CashOutAmount} AS bigint),
                    CAST({t.TipAmount} AS bigint), CAST({t.Reference} AS text), CAST({t.OriginalTransactionId} AS uuid),
                    CAST({t.CallbackUrl} AS text), {t.CreatedAt}, {t.UpdatedAt}, {t.ExpiresAt}, CAST({t.Traceparent} AS text),
                    CAST({options} AS jsonb)
                FROM chosen
                RETURNING relay_transaction_updated(transactions) AS snapshot)
            SELECT (SELECT snapshot FROM created) AS snapshot,
                CASE WHEN NOT EXISTS (SELECT 1 FROM pairing) THEN 'register_not_paired'
                     WHEN (SELECT removed FROM pairing) THEN 'terminal_removed'
                     WHEN NOT (SELECT known FROM original) THEN 'original_unknown' END AS refused
            """, durable: true, returning: "",
            reader => reader.IsDBNull(1) ? null : WireEnum<TransactionRefusal>.Parse(reader.GetString(1)));
        if (rows is not [(var created, var refused)])
        {
            throw new InvalidOperationException("The create statement returned no row.");
        }

        if (created is not null)
        {
            await Changed([created]);
            await terminals.StartTransaction(created.Transaction.TerminalId, TerminalTransaction.From(created.Transaction));
        }

        return (created, refused);
    }

    /// <summary>
    /// A transaction the terminal made by itself, stored final as it reports it (with its event); nothing when this terminal
    /// reported its reference before. Never sent to the terminal, never waited for.
    /// </summary>
    public Task<TransactionSnapshot?> Report(Transaction t)
    {
        var type = WireEnum<TransactionType>.Name(t.Type);
        var status = WireEnum<TransactionStatus>.Name(t.Status);
        var result = JsonSerializer.Serialize(t.Result, RelayJson.Options);
        return Single($"""
            INSERT INTO transactions (id, account_id, terminal_id, origin, terminal_reference, type, status, amount, currency,
                created_at, updated_at, expires_at, completed_at, delivered_device_id, result)
            VALUES ({t.Id}, {t.AccountId}, {t.TerminalId}, 'terminal', {t.TerminalReference}, {type}, {status}, {t.Amount},
                {t.Currency}, {t.CreatedAt}, {t.UpdatedAt}, {t.ExpiresAt}, {t.CompletedAt}, {t.DeliveredDeviceId}, CAST({result} AS jsonb))
            ON CONFLICT (terminal_id, terminal_reference) WHERE terminal_reference IS NOT NULL DO NOTHING
            """);
    }

    /// <summary>The terminal acknowledged receipt. Never after <c>expires_at</c>, so delivery and expiry cannot both happen.</summary>
    public Task<TransactionSnapshot?> Deliver(Guid id, Guid terminalId, Guid deviceId, DateTimeOffset now) => Single($"""
        UPDATE transactions SET status = 'delivered', delivered_at = {now}, updated_at = {now}, delivered_device_id = {deviceId}
        WHERE id = {id} AND terminal_id = {terminalId} AND status = 'pending' AND expires_at > {now}
        """);

    /// <summary>
    /// The terminal showed the card prompt. Committed without waiting for the disk (the next durable commit, at the
    /// latest the result's, flushes it): lost in a crash, it leaves the transaction delivered, which the result, a
    /// cancel and an operator's resolve all treat as they treat in_progress. One flush fewer per payment.
    /// </summary>
    public Task<TransactionSnapshot?> Start(Guid id, Guid terminalId, Guid deviceId, DateTimeOffset now) => Single($"""
        UPDATE transactions SET status = 'in_progress', started_at = {now}, updated_at = {now}
        WHERE id = {id} AND terminal_id = {terminalId} AND delivered_device_id = {deviceId} AND status = 'delivered'
        """, durable: false);

    /// <summary>
    /// The terminal's result ends the transaction, whatever a cancel asked meanwhile; never one that authorised more than
    /// the transaction allows (<see cref="Authorises"/>).
    /// </summary>
    public Task<TransactionSnapshot?> Complete(Guid id, Guid terminalId, Guid deviceId, TransactionResult result, DateTimeOffset now)
    {
        var status = WireEnum<TransactionStatus>.Name(StatusOf(result.Outcome));
        var json = JsonSerializer.Serialize(result, RelayJson.Options);
        // The guard's amounts as numbers, never null: a parameter's type stays the same from one result to the next, so
        // the prepared statement is not prepared again whenever a result leaves one of them out.
        long authorised = result.AmountAuthorised ?? 0, tip = result.TipAmount ?? 0, surcharge = result.SurchargeAmount ?? 0;
        bool approved = result.Outcome == TransactionOutcome.Approved, claimed = result.Partial == true,
            given = result.AmountAuthorised is not null;
        // Partial: an approval of a purchase, cash_out or pre_auth for less than it asked (amount, cash out, tip and the options'
        // surcharge), or one that says so; only where the POS allowed it, never of nothing, and then recorded as partial
        // whatever the terminal said.
        return Single($"""
            UPDATE transactions SET status = {status}, completed_at = {now}, updated_at = {now}, open_terminal_id = NULL,
                result = CASE WHEN {approved} AND type IN ('purchase', 'cash_out', 'pre_auth') AND ({claimed} OR ({given} AND {authorised}
                                   < COALESCE(amount, 0) + COALESCE(cash_out_amount, 0) + GREATEST(COALESCE(tip_amount, 0), {tip})
                                     + COALESCE(CAST(options ->> 'surchargeAmount' AS bigint), 0)))
                    THEN CAST({json} AS jsonb) || jsonb_build_object('partial', true) ELSE CAST({json} AS jsonb) END,
                delivered_at = COALESCE(delivered_at, {now}), delivered_device_id = COALESCE(delivered_device_id, {deviceId})
            WHERE id = {id} AND terminal_id = {terminalId}
              AND ((status IN ('delivered', 'in_progress', 'cancel_requested') AND delivered_device_id = {deviceId})
                   OR (status = 'pending' AND expires_at > {now}))
              AND {authorised} <= COALESCE(amount, 0) + COALESCE(cash_out_amount, 0)
                  + GREATEST(COALESCE(tip_amount, 0), {tip}) + {surcharge}
              AND (NOT ({approved} AND type IN ('purchase', 'cash_out', 'pre_auth') AND ({claimed} OR ({given} AND {authorised}
                           < COALESCE(amount, 0) + COALESCE(cash_out_amount, 0) + GREATEST(COALESCE(tip_amount, 0), {tip})
                             + COALESCE(CAST(options ->> 'surchargeAmount' AS bigint), 0))))
                   OR (COALESCE(CAST(options ->> 'allowPartialAuthorisation' AS boolean), false) AND {authorised} > 0))
            """);
    }

    /// <summary>
    /// The most a result may authorise: the amount with its cash out, the tip (as asked, or as chosen on the terminal) and
    /// the terminal's surcharge. The guard of <see cref="Complete"/>, for telling a terminal's developer why a result was refused.
    /// </summary>
    public static bool Authorises(Transaction t, TransactionResult result) =>
        (result.AmountAuthorised ?? 0) <= (t.Amount ?? 0) + (t.CashOutAmount ?? 0) + Math.Max(t.TipAmount ?? 0, result.TipAmount ?? 0)
        + (result.SurchargeAmount ?? 0);

    /// <summary>A partial approval the POS did not allow: the other guard of <see cref="Complete"/>, for the log.</summary>
    public static bool UnallowedPartial(Transaction t, TransactionResult result) =>
        result.Outcome == TransactionOutcome.Approved
        && t.Type is TransactionType.Purchase or TransactionType.CashOut or TransactionType.PreAuth
        && (result.Partial == true
            || (result.AmountAuthorised is { } authorised && authorised < (t.Amount ?? 0) + (t.CashOutAmount ?? 0)
                + Math.Max(t.TipAmount ?? 0, result.TipAmount ?? 0) + (t.Options?.SurchargeAmount ?? 0)))
        && (t.Options?.AllowPartialAuthorisation != true || result.AmountAuthorised is not > 0);

    /// <summary>A cancel before delivery ends it at once; the terminal never sees it.</summary>
    public Task<TransactionSnapshot?> CancelPending(Guid id, Guid accountId, DateTimeOffset now) => Single($"""
        UPDATE transactions SET status = 'cancelled', cancel_requested_at = {now}, completed_at = {now}, updated_at = {now},
            open_terminal_id = NULL
        WHERE id = {id} AND account_id = {accountId} AND status = 'pending'
        """);

    /// <summary>A cancel after delivery is only a request: the terminal's answer ends the transaction.</summary>
    public Task<TransactionSnapshot?> RequestCancel(Guid id, Guid accountId, DateTimeOffset now) => Single($"""
        UPDATE transactions SET status = 'cancel_requested', cancel_requested_at = {now}, updated_at = {now}
        WHERE id = {id} AND account_id = {accountId} AND status IN ('delivered', 'in_progress')
        """);

    /// <summary>Asks the terminal for the cancel (again: on every cancel call, which covers one it may have missed).</summary>
    public Task ForwardCancel(Guid terminalId, Guid id) => terminals.CancelTransaction(terminalId, id);

    /// <summary>Every pending transaction past its deadline becomes expired: the card was never touched.</summary>
    public Task<List<TransactionSnapshot>> ExpireDue(DateTimeOffset now) => Many($"""
        UPDATE transactions SET status = 'expired', completed_at = {now}, updated_at = {now}, open_terminal_id = NULL
        WHERE open_terminal_id IS NOT NULL AND status = 'pending' AND expires_at <= {now}
        """);

    public Task<TransactionSnapshot?> ExpireOne(Guid id, DateTimeOffset now) => Single($"""
        UPDATE transactions SET status = 'expired', completed_at = {now}, updated_at = {now}, open_terminal_id = NULL
        WHERE id = {id} AND status = 'pending' AND expires_at <= {now}
        """);

    /// <summary>A removed terminal's pending transactions are cancelled; acknowledged ones keep it from being removed.</summary>
    public Task<List<TransactionSnapshot>> CancelPendingOfTerminal(Guid terminalId, DateTimeOffset now) => Many($"""
        UPDATE transactions SET status = 'cancelled', completed_at = {now}, updated_at = {now}, open_terminal_id = NULL
        WHERE open_terminal_id = {terminalId} AND status = 'pending'
        """);

    /// <summary>An operator ends a transaction that a replaced device acknowledged and can no longer report.</summary>
    public Task<TransactionSnapshot?> Resolve(Guid id, TransactionResolution resolution, DateTimeOffset now)
    {
        var status = WireEnum<TransactionStatus>.Name(StatusOf(resolution.Outcome));
        var json = JsonSerializer.Serialize(resolution, RelayJson.Options);
        return Single($"""
            UPDATE transactions SET status = {status}, resolution = CAST({json} AS jsonb), completed_at = {now}, updated_at = {now},
                open_terminal_id = NULL
            WHERE transactions.id = {id} AND transactions.status IN ('delivered', 'in_progress', 'cancel_requested')
              AND transactions.delivered_device_id IS DISTINCT FROM
                  (SELECT device_id FROM terminals WHERE terminals.id = transactions.terminal_id AND terminals.status = 'activated')
            """);
    }

    public static TransactionStatus StatusOf(TransactionOutcome outcome) => outcome switch
    {
        TransactionOutcome.Approved => TransactionStatus.Approved,
        TransactionOutcome.Declined => TransactionStatus.Declined,
        TransactionOutcome.Cancelled => TransactionStatus.Cancelled,
        _ => TransactionStatus.Failed,
    };

    private async Task<TransactionSnapshot?> Single(FormattableString update, bool durable = true) =>
        (await Many(update, durable)).FirstOrDefault();

    private async Task<List<TransactionSnapshot>> Many(FormattableString update, bool durable = true)
    {
        var rows = await Run(update, durable,
            durable ? Returning : Returning + ", set_config('synchronous_commit', 'off', true) AS commit_without_flush", _ => 0);
        return await Changed(rows.Select(r => r.Snapshot!).ToList());
    }

    /// <summary>
    /// What follows every change: its event is numbered, and once it is final, the requests waiting for it here get it
    /// and those on other instances a hint. In a caller's database transaction, all of it waits for the commit (see
    /// EventLog), and a waiter woken early reads the old state and waits again (re-reading within a second).
    /// </summary>
    private async Task<List<TransactionSnapshot>> Changed(List<TransactionSnapshot> rows)
    {
        var committed = db.Database.CurrentTransaction is null;
        foreach (var row in rows)
        {
            events.Appended(row.Transaction.AccountId);
            if (committed) metrics.Changed(row.Transaction);
            else events.AfterCommit(() => metrics.Changed(row.Transaction)); // a rolled-back change is not counted
            if (Transaction.IsFinal(row.Transaction.Status))
            {
                // Online as the statement saw it, or connected here already: a connect is written a moment later (in a batch).
                var online = row.TerminalOnline || connections.ConnectionIdOf(row.Transaction.TerminalId) is not null;
                waiters.Notify(row.Transaction.Id, committed ? row.Transaction.ToResponse(online) : null);
                await notify.SendAsync(new PeerHint.TransactionFinished(row.Transaction.Id));
            }
        }

        return rows;
    }

    /// <summary>Runs a statement whose first column is the snapshot (null: no change), with what <paramref name="more"/> reads of each
    /// row.</summary>
    private async Task<List<(TransactionSnapshot? Snapshot, T More)>> Run<T>(
        FormattableString update, bool durable, string returning, Func<NpgsqlDataReader, T> more)
    {
        // The statement is its own database transaction, so a local setting made in it applies to its commit (and, in a
        // caller's transaction, would relax the caller's whole commit: refused).
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        if (!durable && transaction is not null)
        {
            throw new InvalidOperationException(
                "A transition committed without a flush cannot run inside a caller's database transaction.");
        }

        // On the context's connection (and in its transaction, if any), as a plain statement: {n} becomes $n+1, once per
        // statement (its format and RETURNING are constants).
        var arguments = update.GetArguments();
        var sql = Statements.GetOrAdd((update.Format, returning), static (key, count) =>
            string.Format(key.Format, Enumerable.Range(1, count).Select(n => (object)("$" + n)).ToArray()) + "\n" + key.Returning,
            arguments.Length);
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(), transaction);
            foreach (var argument in arguments)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = argument ?? DBNull.Value });
            }

            // Prepared explicitly (once per connection; a no-op after): see DatabaseSetup for why not automatically.
            await command.PrepareAsync();
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(TransactionSnapshot?, T)>();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.IsDBNull(0) ? null : TransactionSnapshot.Parse(reader.GetString(0)), more(reader)));
            }

            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
