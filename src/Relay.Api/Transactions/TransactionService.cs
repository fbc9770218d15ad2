using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Relay.Api.Data;
using Relay.Api.Infrastructure;

namespace Relay.Api.Transactions;

/// <summary>
/// The transaction logic shared by the REST API and the terminal hub, in the domain's terms (refusals, not problems).
/// Transitions and what follows them go through <see cref="TransactionStateMachine"/>.
/// </summary>
public sealed class TransactionService(
    RelayDbContext db,
    TransactionStateMachine states,
    TransactionWaiters waiters,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<TransactionService> logger)
{
    public const int DefaultExpiresInSeconds = 90;

    /// <summary>Creates the transaction (or replays the key's); with <c>wait</c> (Prefer: wait), answers once it is final or the wait has
    /// passed. On the register's paired terminal, or on <paramref name="terminalId"/> when the caller names it (nexo).</summary>
    public async Task<TransactionAnswer> CreateAsync(
        Guid accountId, string idempotencyKey, CreateTransactionRequest request, TimeSpan? wait, CancellationToken ct,
        Guid? terminalId = null)
    {
        var answer = await CreateOrReplayAsync(accountId, idempotencyKey, request, wait, terminalId, ct);
        return answer is { Replayed: true, Transaction: { } replayed } && wait is { } time
            ? answer with { Transaction = await WaitAsync(accountId, replayed.Id, time, ct) ?? replayed }
            : answer;
    }

    private async Task<TransactionAnswer> CreateOrReplayAsync(
        Guid accountId, string idempotencyKey, CreateTransactionRequest request, TimeSpan? wait, Guid? terminalId, CancellationToken ct)
    {
        var requestHash = RelayJson.HashOf(request);
        // A retry is recognised when its insert meets the stored key (so a new payment makes no extra read), or, when it
        // would be refused first (the register unpaired since, say), by looking the key up before refusing.
        async Task<TransactionAnswer> RefuseAsync(TransactionRefusal refusal) =>
            await ReplayAsync(accountId, idempotencyKey, requestHash, ct) ?? refusal;

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
            Options = request.Options?.Normalized(),
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now.AddSeconds(request.ExpiresInSeconds ?? DefaultExpiresInSeconds),
            Traceparent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } span ? span.Id : null,
        };
        var key = new IdempotencyRecord
        {
            AccountId = accountId, Key = idempotencyKey, RequestHash = requestHash, TransactionId = transaction.Id, CreatedAt = now,
        };

        // Listening before the transaction exists, so that any change to it, however soon (the terminal's result, a
        // cancel), wakes this request.
        var end = wait is null ? null : waiters.NextChange(transaction.Id);
        // And told by the other instances: with the create, not after it (the terminal may answer within milliseconds).
        await using var interest = wait is null ? null : waiters.WaitingSoon(transaction.Id, ct);
        TransactionSnapshot? created;
        TransactionRefusal? refused;
        try
        {
            (created, refused) = await states.Create(transaction, key, terminalId);
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
                return TransactionRefusal.TerminalBusy;
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
            // Not paired also when paired only after the statement looked: refused as it stood then (the POS retries with its key).
            Forget(end);
            return await RefuseAsync(refused ?? TransactionRefusal.RegisterNotPaired);
        }

        transaction = created.Transaction;
        logger.LogInformation("Transaction {TransactionId} created for register {RegisterId} on terminal {TerminalId}: "
            + "{Type} {Amount} {Currency}",
            transaction.Id, transaction.RegisterId, transaction.TerminalId, WireEnum<TransactionType>.Name(transaction.Type),
            transaction.Amount, transaction.Currency);
        var response = created.ToResponse();
        return new(wait is null ? response : await WaitAsync(accountId, transaction.Id, wait.Value, ct, response, end));

        void Forget(Task? change)
        {
            if (change is not null)
            {
                waiters.Forget(transaction.Id, change);
            }
        }
    }

    private async Task<TransactionAnswer?> ReplayAsync(Guid accountId, string key, string requestHash, CancellationToken ct)
    {
        var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.AccountId == accountId && r.Key == key, ct);
        if (record is null)
        {
            return null;
        }

        if (record.RequestHash != requestHash)
        {
            return TransactionRefusal.IdempotencyKeyReused;
        }

        return new(await LoadAsync(accountId, record.TransactionId, ct), Replayed: true);
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
    public Task<TransactionResponse?> WaitAsync(
        Guid accountId, Guid id, TimeSpan wait, CancellationToken ct,
        TransactionResponse? known = null, Task<TransactionResponse?>? change = null) =>
        waiters.UntilFinalAsync(id, wait, () => LoadAsync(accountId, id, ct), t => Transaction.IsFinal(t.Status), clock,
            lifetime.ApplicationStopping, ct, known, change);

    /// <summary>Cancels a pending transaction at once, or asks the terminal to; refused once it is final (the answer carries it).</summary>
    public async Task<TransactionAnswer> CancelAsync(Guid accountId, Guid id)
    {
        var now = clock.Now();
        var cancelledNow = false;
        if (await states.CancelPending(id, accountId, now) is { } cancelled)
        {
            Log(cancelled.Transaction, "cancelled before delivery; the terminal never sees it");
            cancelledNow = true;
        }
        else if (await states.RequestCancel(id, accountId, now) is { } requested)
        {
            Log(requested.Transaction, "cancel requested; forwarded to the terminal, which decides");
        }

        var transaction = await LoadAsync(accountId, id);
        if (transaction is null)
        {
            return TransactionRefusal.NotFound;
        }

        if (transaction.Status == TransactionStatus.CancelRequested)
        {
            await states.ForwardCancel(transaction.TerminalId, id);
            return new(transaction);
        }

        return cancelledNow ? new(transaction) : new(transaction, TransactionRefusal.Final);
    }

    /// <summary>An operator ends a transaction stranded by a device swap; refused unless it is (the answer carries it).</summary>
    public async Task<TransactionAnswer> ResolveAsync(Guid id, TransactionOutcome outcome, string? note)
    {
        var now = clock.Now();
        var resolved = await states.Resolve(id, new TransactionResolution(outcome, note, now), now);
        var accountId = resolved?.Transaction.AccountId
            ?? await db.Transactions.Where(t => t.Id == id).Select(t => (Guid?)t.AccountId).FirstOrDefaultAsync();
        if (accountId is null)
        {
            return TransactionRefusal.NotFound;
        }

        var transaction = await LoadAsync(accountId.Value, id);
        if (resolved is null)
        {
            return new(transaction, Transaction.IsFinal(transaction!.Status) ? TransactionRefusal.Final : TransactionRefusal.NotStranded);
        }

        logger.LogWarning("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId} "
            + "resolved by an operator as {Outcome}: {Note}",
            id, resolved.Transaction.RegisterId, resolved.Transaction.TerminalId, outcome, note);
        return new(transaction);
    }

    // ---- The terminal's side ----

    /// <summary>The terminal acknowledged receipt: go ahead unless it was cancelled or expired meanwhile.</summary>
    public async Task<bool> ReceivedAsync(Guid terminalId, Guid deviceId, Guid id)
    {
        var now = clock.Now();
        if (await states.Deliver(id, terminalId, deviceId, now) is { } delivered)
        {
            Log(delivered.Transaction, "delivered");
            return true;
        }

        var current = await db.Transactions.AsNoTracking().Where(t => t.Id == id && t.TerminalId == terminalId)
            .Select(t => new { t.Status, t.DeliveredDeviceId, t.RegisterId }).FirstOrDefaultAsync();
        if (current is not null && Transaction.Acknowledged.Contains(current.Status) && current.DeliveredDeviceId == deviceId)
        {
            return true;
        }

        if (current?.Status == TransactionStatus.Pending && await states.ExpireOne(id, now) is { } expired)
        {
            Log(expired.Transaction, "expired before the terminal received it");
        }

        logger.LogInformation("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: "
            + "terminal told not to proceed ({Status})",
            id, current?.RegisterId, terminalId, current?.Status);
        return false;
    }

    public async Task<TransactionStatus?> StartedAsync(Guid terminalId, Guid deviceId, Guid id)
    {
        if (await states.Start(id, terminalId, deviceId, clock.Now()) is { } started)
        {
            Log(started.Transaction, "started on the terminal", LogLevel.Debug);
            return TransactionStatus.InProgress;
        }

        return await db.Transactions.Where(t => t.Id == id && t.TerminalId == terminalId)
            .Select(t => (TransactionStatus?)t.Status).FirstOrDefaultAsync();
    }

    /// <summary>The terminal's result, accepted once; a repeat is acknowledged, a conflicting one refused and logged.</summary>
    public async Task<(bool Accepted, TransactionStatus? Status)> CompleteAsync(
        Guid terminalId, Guid deviceId, Guid id, TransactionResult result)
    {
        if (await states.Complete(id, terminalId, deviceId, result, clock.Now()) is { } completed)
        {
            logger.LogInformation("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId} "
                + "{Status} (response {ResponseCode})",
                id, completed.Transaction.RegisterId, terminalId, completed.Transaction.Status, result.ResponseCode);
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

        if (!Transaction.IsFinal(current.Status) && TransactionStateMachine.UnallowedPartial(current, result))
        {
            logger.LogError("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: a partial approval of "
                + "{AmountAuthorised} of {Amount} (tip {TipAmount}) refused, the POS did not allow partial authorisation; the terminal "
                + "must reverse it. Operator attention needed",
                id, current.RegisterId, terminalId, result.AmountAuthorised, current.Amount, result.TipAmount ?? current.TipAmount);
            return (false, current.Status);
        }

        if (!Transaction.IsFinal(current.Status) && !TransactionStateMachine.Authorises(current, result))
        {
            logger.LogError("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: result {Outcome} refused, "
                + "it authorised {AmountAuthorised} of {Amount} (cash out {CashOutAmount}, tip {TipAmount}, surcharge {SurchargeAmount}); "
                + "the terminal must reverse it. Operator attention needed",
                id, current.RegisterId, terminalId, result.Outcome, result.AmountAuthorised, current.Amount, current.CashOutAmount,
                result.TipAmount ?? current.TipAmount, result.SurchargeAmount);
            return (false, current.Status);
        }

        logger.LogError("Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId}: "
            + "result {Outcome} refused, the transaction is {Status}. Operator attention needed",
            id, current.RegisterId, terminalId, result.Outcome, current.Status);
        return (false, current.Status);
    }

    /// <summary>What a terminal must get on connect: its pending work, and what this same device acknowledged and has not
    /// finished.</summary>
    public Task<List<Transaction>> OpenWorkAsync(Guid terminalId, Guid deviceId)
    {
        var now = clock.Now();
        return db.Transactions.AsNoTracking()
            .Where(t => t.OpenTerminalId == terminalId
                        && ((t.Status == TransactionStatus.Pending && t.ExpiresAt > now)
                            || (Transaction.Acknowledged.Contains(t.Status) && t.DeliveredDeviceId == deviceId)))
            .OrderBy(t => t.CreatedAt)
            .ToListAsync();
    }

    /// <summary>Every pending transaction past its deadline becomes expired (the background sweep).</summary>
    public async Task ExpireDueAsync()
    {
        var now = clock.Now();
        foreach (var expired in await states.ExpireDue(now))
        {
            Log(expired.Transaction, "expired: never delivered");
        }
    }

    /// <summary>A removed terminal's pending transactions are cancelled, in the caller's database transaction.</summary>
    public async Task<List<TransactionSnapshot>> CancelPendingOfTerminalAsync(Guid terminalId)
    {
        var cancelled = await states.CancelPendingOfTerminal(terminalId, clock.Now());
        foreach (var row in cancelled)
        {
            Log(row.Transaction, "cancelled: terminal removed");
        }

        return cancelled;
    }

    private void Log(Transaction row, string what, LogLevel level = LogLevel.Information) =>
        logger.Log(level, "Transaction {TransactionId} for register {RegisterId} on terminal {TerminalId} " + what,
            row.Id, row.RegisterId, row.TerminalId);
}
