using Microsoft.EntityFrameworkCore;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Telemetry;

namespace Relay.Api.Actions;

/// <summary>
/// Every terminal-action transition: one guarded UPDATE … WHERE status IN (…) RETURNING the row, so the terminal, the
/// POS's cancel and the expiry sweep can race without harm (the one that lost changes nothing), and its
/// <c>terminal_action.updated</c> event in the same database transaction. What follows a change (the event numbered,
/// waiters answered, the metric) happens once, here, after the commit.
/// </summary>
/// <remarks>
/// pending → delivered → succeeded | failed | cancelled (the terminal's answer);
/// pending → cancelled (the POS's cancel) | expired (not delivered by expires_at).
/// A cancel of a delivered action is forwarded to the terminal, which answers. Only the device that acknowledged an
/// action completes it.
/// </remarks>
public sealed class ActionStateMachine(
    RelayDbContext db, EventLog events, ActionWaiters waiters, PeerNotify notify, RelayMetrics metrics)
{
    /// <summary>A new action, with its event; a unique violation names the Idempotency-Key another request took.</summary>
    public async Task<TerminalAction> Create(TerminalAction action)
    {
        await events.InTransactionAsync(async () =>
        {
            db.TerminalActions.Add(action);
            await db.SaveChangesAsync();
            await Announce(action);
            return action;
        });
        db.Entry(action).State = EntityState.Detached;
        await Changed([action]);
        return action;
    }

    /// <summary>
    /// The terminal acknowledged it: never after expires_at, and, but for a display or a ping, never while the terminal has
    /// a transaction that is not final (an action queued before the payment began waits, and expires if it must).
    /// </summary>
    public Task<TerminalAction?> Deliver(Guid id, Guid terminalId, Guid deviceId, DateTimeOffset now) => Single($"""
        UPDATE terminal_actions SET status = 'delivered', delivered_at = {now}, updated_at = {now}, delivered_device_id = {deviceId}
        WHERE id = {id} AND terminal_id = {terminalId} AND status = 'pending' AND expires_at > {now}
          AND (type IN ('display', 'clear_display', 'ping') OR NOT EXISTS (SELECT 1 FROM transactions t
               WHERE t.open_terminal_id = {terminalId}))
        RETURNING *
        """);

    /// <summary>
    /// The terminal's answer, from pending too (an answer that overtook its receipt). A ping's result gets the round trip
    /// as the relay saw it: from the POS's request to the answer.
    /// </summary>
    public Task<TerminalAction?> Complete(
        Guid id, Guid terminalId, Guid deviceId, ActionStatus status, string? result, string? failureCode, string? failureMessage,
        DateTimeOffset now) => Single($"""
        UPDATE terminal_actions SET status = {Wire(status)}, completed_at = {now}, updated_at = {now},
            delivered_at = COALESCE(delivered_at, {now}), delivered_device_id = COALESCE(delivered_device_id, {deviceId}),
            failure_code = {failureCode}, failure_message = {failureMessage},
            result = CASE WHEN type = 'ping' AND {Wire(status)} = 'succeeded'
                THEN COALESCE(CAST({result} AS jsonb), jsonb_build_object())
                     || jsonb_build_object('roundTripMs', round(extract(epoch FROM {now} - created_at) * 1000))
                ELSE CAST({result} AS jsonb) END
        WHERE id = {id} AND terminal_id = {terminalId}
          AND (status = 'delivered' OR (status = 'pending' AND expires_at > {now}))
          AND (delivered_device_id IS NULL OR delivered_device_id = {deviceId})
        RETURNING *
        """);

    public Task<TerminalAction?> CancelPending(Guid id, Guid accountId, DateTimeOffset now) => Single($"""
        UPDATE terminal_actions SET status = 'cancelled', completed_at = {now}, updated_at = {now}, cancel_requested_at = {now}
        WHERE id = {id} AND account_id = {accountId} AND status = 'pending'
        RETURNING *
        """);

    /// <summary>The POS asked to cancel a delivered action: recorded (no status of its own; the terminal answers).</summary>
    public async Task<bool> RequestCancel(Guid id, Guid accountId, DateTimeOffset now) =>
        await db.TerminalActions.Where(a => a.Id == id && a.AccountId == accountId && a.Status == ActionStatus.Delivered)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.CancelRequestedAt, now)) > 0;

    public Task<List<TerminalAction>> ExpireDue(DateTimeOffset now) => Many($"""
        UPDATE terminal_actions SET status = 'expired', completed_at = {now}, updated_at = {now}
        WHERE status = 'pending' AND expires_at <= {now}
        RETURNING *
        """);

    private static string Wire(ActionStatus status) => Infrastructure.WireEnum<ActionStatus>.Name(status);

    private async Task<TerminalAction?> Single(FormattableString update) => (await Many(update)).FirstOrDefault();

    private async Task<List<TerminalAction>> Many(FormattableString update)
    {
        var rows = await events.InTransactionAsync(async () =>
        {
            var changed = await db.TerminalActions.FromSql(update).AsNoTracking().ToListAsync();
            foreach (var row in changed)
            {
                await Announce(row);
            }

            return changed;
        });
        await Changed(rows);
        return rows;
    }

    private Task Announce(TerminalAction a) =>
        events.AppendAsync(a.AccountId, EventTypes.TerminalActionUpdated, a.ToResponse(), terminalId: a.TerminalId);

    /// <summary>After the commit: the metric, and for an ended action its waiters here and a hint to the others.</summary>
    private async Task Changed(List<TerminalAction> rows)
    {
        foreach (var row in rows)
        {
            metrics.ActionChanged(row);
            if (TerminalAction.IsFinal(row.Status))
            {
                waiters.Notify(row.Id, row.ToResponse());
                await notify.SendAsync(new PeerHint.ActionFinished(row.Id));
            }
        }
    }
}
