using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Terminals;

namespace Relay.Api.Transactions;

/// <summary>What creating a transaction came to: the transaction (new or replayed) or the problem.</summary>
public sealed record CreateOutcome(TransactionResponse? Transaction, bool Replayed, ProblemHttpResult? Problem);

/// <summary>The transaction logic shared by the REST API and the terminal hub. Transitions go through <see cref="TransactionStateMachine"/>.</summary>
public sealed class TransactionService(
    RelayDbContext db,
    TransactionStateMachine states,
    TransactionWaiters waiters,
    TerminalChannel terminals,
    TerminalConnections connections,
    EventLog events,
    Peers peers,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<TransactionService> logger)
{
    public const int DefaultExpiresInSeconds = 90;

    /// <summary>Creates the transaction (or replays the key's); with <c>wait</c> (Prefer: wait), answers once it is final or the wait has passed.</summary>
    public async Task<CreateOutcome> CreateAsync(
        Guid accountId, string idempotencyKey, CreateTransactionRequest request, TimeSpan? wait, CancellationToken ct)
    {
        var outcome = await CreateOrReplayAsync(accountId, idempotencyKey, request, wait, ct);
        return outcome is { Replayed: true, Transaction: { } replayed } && wait is { } time
            ? outcome with { Transaction = await WaitAsync(accountId, replayed.Id, time, ct) ?? replayed }
            : outcome;
    }

    private async Task<CreateOutcome> CreateOrReplayAsync(
        Guid accountId, string idempotencyKey, CreateTransactionRequest request, TimeSpan? wait, CancellationToken ct)
    {
        var requestHash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, RelayJson.Options)));
        // A retry is recognised when its insert meets the stored key (so a new payment makes no extra read), or, when it
        // would be refused first (the register unpaired since, say), by looking the key up before refusing.
        async Task<CreateOutcome> RefuseAsync(CreateOutcome refusal) => await ReplayAsync(accountId, idempotencyKey, requestHash, ct) ?? refusal;

        Guid? originalId = Guid.TryParse(request.OriginalTransactionId, out var original) ? original : null; // validated: none, or an id
        var now = clock.Now();
        var transaction = new Transaction
        {
            Id = Guid.CreateVersion7(),
            AccountId = accountId,
            RegisterId = request.RegisterId!, // the terminal and register name come from the pairing, in the statement
            Type = request.Type!.Value,
            Status = TransactionStatus.Pending,
            Amount = request.Amount,
            Currency = request.Currency,
            CashOutAmount = request.CashOutAmount,
            TipAmount = request.TipAmount,
            Reference = request.Reference,
            OriginalTransactionId = originalId,
            CallbackUrl = request.CallbackUrl,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now.AddSeconds(request.ExpiresInSeconds ?? DefaultExpiresInSeconds),
        };
        var key = new IdempotencyRecord
        {
            AccountId = accountId, Key = idempotencyKey, RequestHash = requestHash, TransactionId = transaction.Id, CreatedAt = now,
        };

        // Listening before the transaction exists, so that any change to it, however soon (the terminal's result, a
        // cancel), wakes this request.
        var end = wait is null ? null : waiters.NextChange(transaction.Id);
        var online = false;
        Transaction? created;
        try
        {
            created = await Transition(async () =>
            {
                var made = await states.Create(transaction, key);
                online = made?.TerminalOnline ?? false;
                return made?.Row;
            });
        }
        catch (PostgresException unique) when (unique.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The key was used before (a retry, or a concurrent request that won): answer with its transaction. Otherwise
            // the terminal is busy with another one. The statement wrote nothing.
            Forget(end);
            if (await ReplayAsync(accountId, idempotencyKey, requestHash, ct) is { } concurrent)
            {
                return concurrent;
            }

            if (unique.ConstraintName == "ix_transactions_one_open_per_terminal")
            {
                return TerminalBusy();
            }

            throw;
        }
        catch
        {
            Forget(end);
            throw;
        }

        if (created is null)
        {
            Forget(end);
            return await RefuseAsync(await WhyNotCreatedAsync(accountId, request.RegisterId!, originalId, ct));
        }

        transaction = created;
        logger.LogInformation("Transaction {TransactionId} created for register {RegisterId} on terminal {TerminalId}: {Type} {Amount} {Currency}",
            transaction.Id, transaction.RegisterId, transaction.TerminalId, WireEnum<TransactionType>.Name(transaction.Type), transaction.Amount, transaction.Currency);
        await terminals.StartTransaction(transaction.TerminalId, TerminalTransaction.From(transaction));
        var response = transaction.ToResponse(online);
        return wait is null ? new(response, false, null) : new(await WaitAsync(accountId, transaction.Id, wait.Value, ct, response, end), false, null);

        void Forget(Task? change)
        {
            if (change is not null)
            {
                waiters.Forget(transaction.Id, change);
            }
        }
    }

    /// <summary>Why the create statement found no pairing to create on: the register is not paired, its terminal was removed, or the original is unknown.</summary>
    private async Task<CreateOutcome> WhyNotCreatedAsync(Guid accountId, string registerId, Guid? originalId, CancellationToken ct)
    {
        var terminal = await (
                from p in db.Pairings.AsNoTracking()
                join t in db.Terminals on p.TerminalId equals t.Id
                where p.AccountId == accountId && p.RegisterId == registerId
                select (TerminalStatus?)t.Status)
            .FirstOrDefaultAsync(ct);
        if (terminal == TerminalStatus.Removed)
        {
            return Problem(409, "terminal-removed", "The register's terminal was removed");
        }

        if (terminal is not null && originalId is { } original && !await db.Transactions.AnyAsync(t => t.Id == original && t.AccountId == accountId, ct))
        {
            return new(null, false, Problems.Validation("originalTransactionId", "No transaction with that id exists in this account."));
        }

        // Not paired, or paired only after the statement looked: refused as it stood then (the POS retries with its key).
        return Problem(404, "register-not-paired", "The register is not paired", $"Pair register '{registerId}' with a terminal first.");
    }

    private async Task<CreateOutcome?> ReplayAsync(Guid accountId, string key, string requestHash, CancellationToken ct)
    {
        var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.AccountId == accountId && r.Key == key, ct);
        if (record is null)
        {
            return null;
        }

        if (record.RequestHash != requestHash)
        {
            return Problem(422, "idempotency-key-reused", "The Idempotency-Key was used with a different request",
                "Use a new key for a new transaction; resend the identical body to get the original one.");
        }

        return new(await LoadAsync(accountId, record.TransactionId, ct), true, null);
    }

    public async Task<TransactionResponse?> LoadAsync(Guid accountId, Guid id, CancellationToken ct = default)
    {
        var row = await db.Transactions.AsNoTracking()
            .Where(t => t.Id == id && t.AccountId == accountId)
            .Select(t => new { Transaction = t, Online = t.Terminal!.ConnectionId != null })
            .FirstOrDefaultAsync(ct);
        return row?.Transaction.ToResponse(row.Online);
    }

    /// <summary>
    /// The transaction once it is final, or as it stands when <paramref name="wait"/> has passed. A caller that has just
    /// written it passes it as <paramref name="known"/>, with the <paramref name="change"/> signal taken before.
    /// </summary>
    public async Task<TransactionResponse?> WaitAsync(
        Guid accountId, Guid id, TimeSpan wait, CancellationToken ct, TransactionResponse? known = null, Task<TransactionResponse?>? change = null)
    {
        var deadline = clock.Now() + wait;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        try
        {
            while (true)
            {
                change ??= waiters.NextChange(id);
                var transaction = known ?? await LoadAsync(accountId, id, ct);
                var remaining = deadline - clock.Now();
                // A stopping instance answers with the transaction as it stands; the POS asks again (another instance).
                if (transaction is null || Transaction.IsFinal(transaction.Status) || remaining <= TimeSpan.Zero
                    || lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    return transaction;
                }

                // Changes here and on other instances (LISTEN/NOTIFY) signal; the periodic re-read is the fallback for a lost notification.
                await Task.WhenAny(change, Task.Delay(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), clock, waiting.Token));
                ct.ThrowIfCancellationRequested();
                known = change.IsCompletedSuccessfully ? change.Result : null; // the final transaction, when it ended here
                change = null;
            }
        }
        finally
        {
            waiting.Cancel(); // drops the re-read timer of a wait that a change ended, rather than leave it to fire
            if (change is not null)
            {
                waiters.Forget(id, change); // a finished or cancelled wait leaves no signal behind
            }
        }
    }

    public async Task<(TransactionResponse? Transaction, ProblemHttpResult? Problem)> CancelAsync(Guid accountId, Guid id)
    {
        var now = clock.Now();
        var cancelledNow = false;
        if (await Transition(() => states.CancelPending(id, accountId, now)) is { } cancelled)
        {
            Log(cancelled, "cancelled before delivery; the terminal never sees it");
            cancelledNow = true;
        }
        else if (await Transition(() => states.RequestCancel(id, accountId, now)) is { } requested)
        {
            Log(requested, "cancel requested; forwarded to the terminal, which decides");
        }

        var transaction = await LoadAsync(accountId, id);
        if (transaction is null)
        {
            return (null, Problems.NotFound("transaction"));
        }

        if (transaction.Status == TransactionStatus.CancelRequested)
        {
            // Sent on every cancel call, so asking again covers a cancel the terminal may have missed.
            await terminals.CancelTransaction(transaction.TerminalId, id);
            return (transaction, null);
        }

        return cancelledNow
            ? (transaction, null)
            : (null, Problems.Of(409, "transaction-final", "The transaction is already final", $"It ended {WireEnum<TransactionStatus>.Name(transaction.Status)}."));
    }

    public async Task<(TransactionResponse? Transaction, ProblemHttpResult? Problem)> ResolveAsync(Guid id, TransactionOutcome outcome, string? note)
    {
        var now = clock.Now();
        var resolved = await Transition(() => states.Resolve(id, new TransactionResolution(outcome, note, now), now));
        var accountId = resolved?.AccountId ?? await db.Transactions.Where(t => t.Id == id).Select(t => (Guid?)t.AccountId).FirstOrDefaultAsync();
        if (accountId is null)
        {
            return (null, Problems.NotFound("transaction"));
        }

        var transaction = await LoadAsync(accountId.Value, id);
        if (resolved is null)
        {
            return Transaction.IsFinal(transaction!.Status)
                ? (null, Problems.Of(409, "transaction-final", "The transaction is already final"))
                : (null, Problems.Of(409, "transaction-not-stranded", "The transaction's device can still report",
                    "Only a transaction acknowledged by a device that has since been replaced can be resolved by an operator."));
        }

        logger.LogWarning("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId} resolved by an operator as {Outcome}: {Note}",
            id, resolved.RegisterId, resolved.TerminalId, outcome, note);
        return (transaction, null);
    }

    // ---- The terminal's side ----

    /// <summary>The terminal acknowledged receipt: go ahead unless it was cancelled or expired meanwhile.</summary>
    public async Task<bool> ReceivedAsync(Guid terminalId, Guid deviceId, Guid id)
    {
        var now = clock.Now();
        if (await Transition(() => states.Deliver(id, terminalId, deviceId, now)) is { } delivered)
        {
            Log(delivered, "delivered");
            return true;
        }

        var current = await db.Transactions.AsNoTracking().Where(t => t.Id == id && t.TerminalId == terminalId)
            .Select(t => new { t.Status, t.DeliveredDeviceId, t.RegisterId }).FirstOrDefaultAsync();
        if (current is not null && Transaction.Acknowledged.Contains(current.Status) && current.DeliveredDeviceId == deviceId)
        {
            return true;
        }

        if (current?.Status == TransactionStatus.Pending && await Transition(() => states.ExpireOne(id, now)) is { } expired)
        {
            Log(expired, "expired before the terminal received it");
        }

        logger.LogInformation("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: terminal told not to proceed ({Status})",
            id, current?.RegisterId, terminalId, current?.Status);
        return false;
    }

    public async Task<TransactionStatus?> StartedAsync(Guid terminalId, Guid deviceId, Guid id)
    {
        if (await Transition(() => states.Start(id, terminalId, deviceId, clock.Now())) is { } started)
        {
            Log(started, "started on the terminal", LogLevel.Debug);
            return TransactionStatus.InProgress;
        }

        return await db.Transactions.Where(t => t.Id == id && t.TerminalId == terminalId).Select(t => (TransactionStatus?)t.Status).FirstOrDefaultAsync();
    }

    /// <summary>The terminal's result, accepted once; a repeat is acknowledged, a conflicting one refused and logged.</summary>
    public async Task<(bool Accepted, TransactionStatus? Status)> CompleteAsync(Guid terminalId, Guid deviceId, Guid id, TransactionResult result)
    {
        if (await Transition(() => states.Complete(id, terminalId, deviceId, result, clock.Now())) is { } completed)
        {
            logger.LogInformation("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId} {Status} (response {ResponseCode})",
                id, completed.RegisterId, terminalId, completed.Status, result.ResponseCode);
            return (true, TransactionStateMachine.StatusOf(result.Outcome));
        }

        var current = await db.Transactions.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && t.TerminalId == terminalId);
        if (current is null)
        {
            logger.LogWarning("Terminal {TerminalId} reported a result for unknown transaction {TransactionId}", terminalId, id);
            return (false, null);
        }

        if (current.Result?.Outcome == result.Outcome)
        {
            return (true, current.Status);
        }

        if (!Transaction.IsFinal(current.Status) && !TransactionStateMachine.Authorises(current, result))
        {
            logger.LogError("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: result {Outcome} refused, it authorised {AmountAuthorised} "
                + "of {Amount} (cash out {CashOutAmount}, tip {TipAmount}, surcharge {SurchargeAmount}); the terminal must reverse it. Operator attention needed",
                id, current.RegisterId, terminalId, result.Outcome, result.AmountAuthorised, current.Amount, current.CashOutAmount,
                result.TipAmount ?? current.TipAmount, result.SurchargeAmount);
            return (false, current.Status);
        }

        logger.LogError("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: result {Outcome} refused, the transaction is {Status}. Operator attention needed",
            id, current.RegisterId, terminalId, result.Outcome, current.Status);
        return (false, current.Status);
    }

    /// <summary>What a terminal must get on connect: its pending work, and what this same device acknowledged and has not finished.</summary>
    public Task<List<Transaction>> OpenWorkAsync(Guid terminalId, Guid deviceId)
    {
        var now = clock.Now();
        return db.Transactions.AsNoTracking()
            .Where(t => t.TerminalId == terminalId
                        && ((t.Status == TransactionStatus.Pending && t.ExpiresAt > now)
                            || (Transaction.Acknowledged.Contains(t.Status) && t.DeliveredDeviceId == deviceId)))
            .OrderBy(t => t.CreatedAt)
            .ToListAsync();
    }

    /// <summary>Every pending transaction past its deadline becomes expired (the background sweep).</summary>
    public async Task ExpireDueAsync()
    {
        var now = clock.Now();
        foreach (var expired in await Transitions(() => states.ExpireDue(now)))
        {
            Log(expired, "expired: never delivered");
        }
    }

    /// <summary>A removed terminal's pending transactions are cancelled, in the caller's database transaction.</summary>
    public async Task<List<Transaction>> CancelPendingOfTerminalAsync(Guid terminalId)
    {
        var cancelled = await Transitions(() => states.CancelPendingOfTerminal(terminalId, clock.Now()));
        foreach (var row in cancelled)
        {
            Log(row, "cancelled: terminal removed");
        }

        return cancelled;
    }

    /// <summary>
    /// Makes a transition (which appends its transaction.updated event in the same statement), has the event numbered,
    /// and wakes waiters once it is final. In a caller's database transaction, both wait for its commit (see EventLog).
    /// </summary>
    private async Task<Transaction?> Transition(Func<Task<Transaction?>> change) =>
        (await Transitions(async () => await change() is { } row ? [row] : [])).FirstOrDefault();

    private async Task<List<Transaction>> Transitions(Func<Task<List<Transaction>>> change)
    {
        var rows = await change();
        foreach (var row in rows)
        {
            events.Appended(row.AccountId);
        }

        // Waiters get the final transaction when it has committed and its terminal is known to be online (connected here,
        // as when it reported the result); otherwise they read it. In a caller's transaction, not yet committed, a
        // waiter that wakes early reads the old state and waits again (re-reading within a second).
        var committed = db.Database.CurrentTransaction is null;
        foreach (var row in rows.Where(r => Transaction.IsFinal(r.Status)))
        {
            waiters.Notify(row.Id, committed && connections.ConnectionIdOf(row.TerminalId) is not null ? row.ToResponse(terminalOnline: true) : null);
            if (!peers.Alone) // waiters on other instances (they re-read within a second anyway: Peers)
            {
                await db.Database.NotifyPeersAsync("t:" + row.Id, logger);
            }
        }

        return rows;
    }

    private void Log(Transaction row, string what, LogLevel level = LogLevel.Information) =>
        logger.Log(level, "Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId} " + what,
            row.Id, row.RegisterId, row.TerminalId);

    private static CreateOutcome Problem(int status, string code, string title, string? detail = null) =>
        new(null, false, Problems.Of(status, code, title, detail));

    private static CreateOutcome TerminalBusy() => Problem(409, "terminal-busy", "The terminal is busy",
        "It has another transaction that is not final yet; a terminal serves one at a time.");
}
