using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;

namespace Relay.Api.Nexo;

/// <summary>The messages sent to /nexo/async (<see cref="NexoAsyncRequest"/>): kept before what they create, found again by it.</summary>
public sealed class NexoAsyncMessages(RelayDbContext db, TimeProvider clock)
{
    /// <summary>Keeps the message under its key; a retry of it keeps the first.</summary>
    public Task KeepAsync(NexoCall call, CancellationToken ct) => db.Database.ExecuteSqlAsync($"""
        INSERT INTO nexo_async_requests (account_id, key, message, created_at) VALUES ({call.AccountId}, {call.Key}, {call.Message}, {clock.GetUtcNow()})
        ON CONFLICT DO NOTHING
        """, ct);

    /// <summary>The async message that created the transaction, if one did.</summary>
    public Task<byte[]?> OfTransactionAsync(Guid accountId, Guid transactionId, CancellationToken ct) =>
        db.NexoAsyncRequests.Where(r => r.AccountId == accountId
                && db.IdempotencyRecords.Any(k => k.AccountId == accountId && k.Key == r.Key && k.TransactionId == transactionId))
            .Select(r => r.Message).FirstOrDefaultAsync(ct);

    /// <summary>The async message that created the terminal action, if one did.</summary>
    public Task<byte[]?> OfActionAsync(Guid accountId, Guid actionId, CancellationToken ct) =>
        db.NexoAsyncRequests.Where(r => r.AccountId == accountId
                && db.TerminalActions.Any(a => a.AccountId == accountId && a.IdempotencyKey == r.Key && a.Id == actionId))
            .Select(r => r.Message).FirstOrDefaultAsync(ct);
}
