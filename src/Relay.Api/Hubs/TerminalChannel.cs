using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Actions;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Inputs;
using Relay.Api.Transactions;

namespace Relay.Api.Hubs;

/// <summary>
/// Server → terminal messages. A terminal connected here gets them at once; for any other, the relay instance that
/// holds it is told through PostgreSQL (a notification of ids only) and sends it from the database's truth.
/// </summary>
/// <remarks>
/// A message to a terminal that is not connected anywhere is dropped on purpose: the database holds the work, and the
/// terminal gets all of it again when it connects. Pending work is also re-sent periodically (see
/// <see cref="ResendPendingAsync"/>), so a lost notification delays a payment by seconds, never loses it.
/// </remarks>
public sealed class TerminalChannel(
    IHubContext<TerminalHub> hub, TerminalConnections connections, RelayDbContext db, PeerNotify notify, ThisInstance instance,
    TimeProvider clock, ILogger<TerminalChannel> logger)
{
    private static readonly TimeSpan ConfigurationWait = TimeSpan.FromSeconds(10);

    public Task StartTransaction(Guid terminalId, TerminalTransaction transaction) =>
        Send(terminalId, "StartTransaction", transaction, transaction.Id.ToString());

    public Task CancelTransaction(Guid terminalId, Guid transactionId) =>
        Send(terminalId, "CancelTransaction", transactionId, transactionId.ToString());

    public Task StartAction(Guid terminalId, TerminalActionMessage action) =>
        Send(terminalId, "StartAction", action, action.Id.ToString());

    public Task CancelAction(Guid terminalId, Guid actionId) =>
        Send(terminalId, "CancelAction", actionId, actionId.ToString());

    public Task PairingChanged(Guid terminalId, PairingChangedMessage change) =>
        Send(terminalId, "PairingChanged", change, change.RegisterId);

    /// <summary>The POS's answer to the terminal's question: <c>InputResponse(transactionId, requestId, value)</c>.</summary>
    public Task InputResponse(Guid terminalId, Guid transactionId, string requestId, string value) =>
        Send(terminalId, "InputResponse", new object[] { transactionId, requestId, value }, $"{transactionId}:{requestId}");

    /// <summary>Sends what another instance asked for, to a terminal held here, reading it from the database.</summary>
    public async Task DeliverAsync(PeerHint.TerminalPush push)
    {
        object? argument = push.Method switch
        {
            "StartTransaction" when Guid.TryParse(push.Argument, out var id) => await db.Transactions.AsNoTracking()
                .Where(t => t.Id == id && t.TerminalId == push.TerminalId && t.Status == TransactionStatus.Pending)
                .Select(t => TerminalTransaction.From(t)).FirstOrDefaultAsync(),
            "CancelTransaction" when Guid.TryParse(push.Argument, out var id) => id,
            "StartAction" when Guid.TryParse(push.Argument, out var id) => await db.TerminalActions.AsNoTracking()
                .Where(a => a.Id == id && a.TerminalId == push.TerminalId && a.Status == ActionStatus.Pending)
                .Select(a => a.ToMessage()).FirstOrDefaultAsync(),
            "CancelAction" when Guid.TryParse(push.Argument, out var id) => id,
            "InputResponse" when push.Argument.Split(':', 2) is [var tx, var requestId] && Guid.TryParse(tx, out var id) =>
                await db.InputRequests.AsNoTracking()
                    .Where(r => r.TransactionId == id && r.RequestId == requestId && r.TerminalId == push.TerminalId && r.Value != null)
                    .Select(r => new object[] { r.TransactionId, r.RequestId, r.Value! }).FirstOrDefaultAsync(),
            "PairingChanged" => await db.Pairings.AsNoTracking()
                .Where(p => p.TerminalId == push.TerminalId && p.RegisterId == push.Argument)
                .Select(p => new PairingChangedMessage(p.RegisterId, p.RegisterName, true)).FirstOrDefaultAsync()
                ?? new PairingChangedMessage(push.Argument, null, false),
            _ => null,
        };
        if (argument is not null && connections.ConnectionIdOf(push.TerminalId) is { } connectionId)
        {
            await SendHere(push.TerminalId, connectionId, push.Method, argument);
        }
    }

    /// <summary>
    /// Re-sends to the terminals held here their pending transactions and actions (created at least
    /// <paramref name="olderThan"/> ago) and outstanding cancels: the catch-up for pushes lost between instances. Terminals ignore repeats.
    /// </summary>
    public async Task ResendPendingAsync(TimeSpan olderThan, CancellationToken ct)
    {
        if (connections.IsEmpty)
        {
            return;
        }

        // The terminals the database says this instance holds (not a list of thousands of ids sent every few seconds).
        var now = clock.Now();
        var createdBy = now - olderThan;
        var open = await db.Transactions.AsNoTracking()
            .Where(t => db.Terminals.Any(h => h.Id == t.TerminalId && h.InstanceId == instance.Id) && t.CreatedAt <= createdBy
                        && ((t.Status == TransactionStatus.Pending && t.ExpiresAt > now) || t.Status == TransactionStatus.CancelRequested))
            .ToListAsync(ct);
        foreach (var t in open)
        {
            if (connections.ConnectionIdOf(t.TerminalId) is not { } connectionId)
            {
                continue;
            }

            if (t.Status == TransactionStatus.Pending)
            {
                await SendHere(t.TerminalId, connectionId, "StartTransaction", TerminalTransaction.From(t));
            }
            else
            {
                await SendHere(t.TerminalId, connectionId, "CancelTransaction", t.Id);
            }
        }

        var actions = await db.TerminalActions.AsNoTracking()
            .Where(a => db.Terminals.Any(h => h.Id == a.TerminalId && h.InstanceId == instance.Id) && a.CreatedAt <= createdBy
                        && ((a.Status == ActionStatus.Pending && a.ExpiresAt > now)
                            || (a.Status == ActionStatus.Delivered && a.CancelRequestedAt != null)))
            .ToListAsync(ct);
        foreach (var a in actions)
        {
            if (connections.ConnectionIdOf(a.TerminalId) is { } connectionId)
            {
                await (a.Status == ActionStatus.Pending
                    ? SendHere(a.TerminalId, connectionId, "StartAction", a.ToMessage())
                    : SendHere(a.TerminalId, connectionId, "CancelAction", a.Id));
            }
        }
    }

    private async Task Send(Guid terminalId, string method, object argument, string reference)
    {
        if (connections.ConnectionIdOf(terminalId) is { } connectionId)
        {
            await SendHere(terminalId, connectionId, method, argument);
            return;
        }

        await notify.SendAsync(new PeerHint.TerminalPush(terminalId, method, reference));
    }

    private async Task SendHere(Guid terminalId, string connectionId, string method, object argument)
    {
        try
        {
            // A terminal that has just connected is sent its configuration first (waited for 10 s at most: then anyway).
            if (connections.WhenConfigured(terminalId) is { IsCompleted: false } configured)
            {
                await configured.WaitAsync(ConfigurationWait).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            // An object[] carries several arguments (InputResponse); anything else is the one argument.
            await hub.Clients.Client(connectionId).SendCoreAsync(method, argument as object[] ?? [argument]);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not send {Method} to terminal {TerminalId}; it gets it again when it reconnects",
                method, terminalId);
        }
    }
}
