using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Terminals;
using Relay.Api.Transactions;

namespace Relay.Api.Actions;

/// <summary>Why an action was not created: each becomes its problem at the API.</summary>
public enum ActionRefusal { TerminalNotFound, TerminalRemoved, TerminalNotActivated, TerminalBusy, TerminalOffline, IdempotencyKeyReused }

/// <param name="Action">The action (created, replayed, or as it stands after a cancel).</param>
/// <param name="Refusal">Why there is none (or, for a cancel, why it was refused).</param>
/// <param name="Replayed">The Idempotency-Key's earlier action.</param>
public sealed record ActionAnswer(TerminalActionResponse? Action, ActionRefusal? Refusal = null, bool Replayed = false)
{
    public static implicit operator ActionAnswer(ActionRefusal refusal) => new(null, refusal);
}

/// <summary>POS-driven terminal actions: created by the POS, sent to the terminal, answered by it.</summary>
public sealed class ActionService(
    RelayDbContext db, ActionStateMachine machine, ActionWaiters waiters, TerminalChannel terminals, TerminalConnections connections,
    TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<ActionService> logger)
{
    private const int DefaultExpiresInSeconds = 30;
    private const int MaxResultBytes = 64 * 1024;

    public async Task<ActionAnswer> CreateAsync(
        Guid accountId, Guid terminalId, string idempotencyKey, CreateActionRequest request, TimeSpan? wait, CancellationToken ct)
    {
        var requestHash = RelayJson.HashOf(request);
        if (await ReplayAsync(accountId, terminalId, idempotencyKey, requestHash, ct) is { } replay)
        {
            return wait is { } replayWait && replay.Action is { } replayed
                ? replay with { Action = await WaitAsync(accountId, replayed.Id, replayWait, ct) ?? replayed }
                : replay;
        }

        var terminal = await db.Terminals.AsNoTracking().Where(t => t.Id == terminalId && t.AccountId == accountId)
            .Select(t => new { t.Status, Online = t.ConnectionId != null }).FirstOrDefaultAsync(ct);
        var type = request.Type!.Value;
        if (terminal is null) return ActionRefusal.TerminalNotFound;
        if (terminal.Status == TerminalStatus.Removed) return ActionRefusal.TerminalRemoved;
        if (terminal.Status == TerminalStatus.Created) return ActionRefusal.TerminalNotActivated;
        if (!TerminalAction.AllowedWhileBusy(type)
            && await db.Transactions.AnyAsync(t => t.OpenTerminalId == terminalId, ct))
            return ActionRefusal.TerminalBusy;
        // Online as the database has it, or connected here already: a connect is written a moment later (in a batch).
        if (!terminal.Online && connections.ConnectionIdOf(terminalId) is null && request.QueueIfOffline != true)
            return ActionRefusal.TerminalOffline;

        var now = clock.Now();
        var action = new TerminalAction
        {
            Id = Guid.CreateVersion7(), AccountId = accountId, TerminalId = terminalId, Type = type, Status = ActionStatus.Pending,
            Request = request.Body(), IdempotencyKey = idempotencyKey, RequestHash = requestHash, CreatedAt = now, UpdatedAt = now,
            ExpiresAt = now.AddSeconds(request.ExpiresInSeconds ?? DefaultExpiresInSeconds),
        };
        var end = wait is null ? null : waiters.NextChange(action.Id);
        // Other instances tell this one of its end: registered with the create, before the terminal can answer.
        await using var interest = wait is null ? null : waiters.WaitingSoon(action.Id, ct);
        try
        {
            await machine.Create(action);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another request with the key won the race: this one is its retry.
            if (end is not null) waiters.Forget(action.Id, end);
            db.ChangeTracker.Clear();
            return await ReplayAsync(accountId, terminalId, idempotencyKey, requestHash, ct)
                ?? throw new InvalidOperationException("The Idempotency-Key was taken, yet no action holds it.");
        }

        logger.LogInformation("Terminal action {ActionId} ({Type}) created for terminal {TerminalId}",
            action.Id, WireEnum<ActionType>.Name(type), terminalId);
        await terminals.StartAction(terminalId, action.ToMessage());
        var response = action.ToResponse();
        return new(wait is { } time ? await WaitAsync(accountId, action.Id, time, ct, response, end) : response);
    }

    private async Task<ActionAnswer?> ReplayAsync(Guid accountId, Guid terminalId, string key, string requestHash, CancellationToken ct)
    {
        var earlier = await db.TerminalActions.AsNoTracking()
            .FirstOrDefaultAsync(a => a.AccountId == accountId && a.IdempotencyKey == key, ct);
        if (earlier is null) return null;
        return earlier.RequestHash == requestHash && earlier.TerminalId == terminalId
            ? new ActionAnswer(earlier.ToResponse(), Replayed: true)
            : ActionRefusal.IdempotencyKeyReused;
    }

    public async Task<TerminalActionResponse?> LoadAsync(Guid accountId, Guid id, CancellationToken ct = default) =>
        (await db.TerminalActions.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.AccountId == accountId, ct))?.ToResponse();

    /// <summary>The action once it has ended, or as it stands when <paramref name="wait"/> has passed.</summary>
    public Task<TerminalActionResponse?> WaitAsync(
        Guid accountId, Guid id, TimeSpan wait, CancellationToken ct,
        TerminalActionResponse? known = null, Task<TerminalActionResponse?>? change = null) =>
        waiters.UntilFinalAsync(id, wait, () => LoadAsync(accountId, id, ct), a => TerminalAction.IsFinal(a.Status), clock,
            lifetime.ApplicationStopping, ct, known, change);

    /// <summary>Cancels a pending action at once, or asks the terminal to; an action that ended stays as it ended.</summary>
    public async Task<TerminalActionResponse?> CancelAsync(Guid accountId, Guid id)
    {
        var now = clock.Now();
        if (await machine.CancelPending(id, accountId, now) is { } cancelled) return cancelled.ToResponse();
        var action = await db.TerminalActions.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.AccountId == accountId);
        if (action is { Status: ActionStatus.Delivered })
        {
            await machine.RequestCancel(id, accountId, now);
            await terminals.CancelAction(action.TerminalId, id);
            logger.LogInformation("Cancel of terminal action {ActionId} forwarded to terminal {TerminalId}", id, action.TerminalId);
        }

        return action?.ToResponse();
    }

    /// <summary>The terminal acknowledged the action: false when it was cancelled or expired meanwhile (drop it).</summary>
    public async Task<bool> ReceivedAsync(Guid terminalId, Guid deviceId, Guid id)
    {
        if (await machine.Deliver(id, terminalId, deviceId, clock.Now()) is not null) return true;
        // A repeat (this device has it already), or too late.
        return await db.TerminalActions.AnyAsync(a => a.Id == id && a.TerminalId == terminalId && a.Status == ActionStatus.Delivered
            && a.DeliveredDeviceId == deviceId);
    }

    /// <summary>The terminal's answer: accepted once; a repeat of the same answer is acknowledged and changes nothing.</summary>
    public async Task<ActionCompletionAck> CompleteAsync(Guid terminalId, Guid deviceId, ActionCompletionMessage completion)
    {
        var id = HubInput.Id(completion.ActionId, "actionId");
        var status = completion.Status switch
        {
            "succeeded" => ActionStatus.Succeeded,
            "failed" => ActionStatus.Failed,
            "cancelled" => ActionStatus.Cancelled,
            _ => throw new HubException($"status must be succeeded, failed or cancelled; got {HubInput.Shown(completion.Status)}."),
        };
        HubInput.Text(completion.FailureCode, "failureCode", 100);
        HubInput.Text(completion.FailureMessage, "failureMessage", 500, multiline: true);
        string? result = null;
        if (completion.Result is { } json && json.ValueKind != JsonValueKind.Null)
        {
            if (json.ValueKind != JsonValueKind.Object) throw new HubException("result must be an object (or null).");
            result = json.GetRawText();
            if (result.Length > MaxResultBytes) throw new HubException($"result must be at most {MaxResultBytes / 1024} KB of JSON.");
            if (!TextRules.IsClean(json)) throw new HubException("result must not contain control characters.");
        }

        if (await machine.Complete(id, terminalId, deviceId, status, result, completion.FailureCode, completion.FailureMessage,
                clock.Now()) is { } done)
        {
            logger.LogInformation("Terminal action {ActionId} on terminal {TerminalId} {Status}{Failure}", id, terminalId,
                WireEnum<ActionStatus>.Name(done.Status), done.FailureCode is { } code ? $" ({code})" : "");
            return new(true, WireEnum<ActionStatus>.Name(done.Status));
        }

        var current = await db.TerminalActions.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.TerminalId == terminalId);
        if (current is null)
        {
            // A final answer, as for a transaction the relay does not know: the terminal drops it from its outbox.
            logger.LogWarning("Terminal {TerminalId} answered action {ActionId}, which it does not have; refused", terminalId, id);
            return new(false, "unknown");
        }
        var repeat = current.Status == status && current.DeliveredDeviceId == deviceId;
        if (!repeat)
        {
            logger.LogWarning("Terminal {TerminalId} answered action {ActionId} {Answer}, but it is already {Status}; refused",
                terminalId, id, completion.Status, WireEnum<ActionStatus>.Name(current.Status));
        }

        return new(repeat, WireEnum<ActionStatus>.Name(current.Status));
    }

    /// <summary>On connect: the terminal's pending actions, and those this device acknowledged and has not answered.</summary>
    public Task<List<TerminalAction>> OpenWorkAsync(Guid terminalId, Guid deviceId)
    {
        var now = clock.Now();
        return db.TerminalActions.AsNoTracking()
            .Where(a => a.TerminalId == terminalId && ((a.Status == ActionStatus.Pending && a.ExpiresAt > now)
                || (a.Status == ActionStatus.Delivered && a.DeliveredDeviceId == deviceId)))
            .OrderBy(a => a.CreatedAt).ToListAsync();
    }

    public async Task ExpireDueAsync()
    {
        foreach (var expired in await machine.ExpireDue(clock.Now()))
        {
            logger.LogInformation("Terminal action {ActionId} for terminal {TerminalId} expired undelivered",
                expired.Id, expired.TerminalId);
        }
    }
}
