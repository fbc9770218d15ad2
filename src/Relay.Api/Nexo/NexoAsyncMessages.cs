using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;

namespace Relay.Api.Nexo;

/// <summary>The messages sent to /nexo/async (<see cref="NexoAsyncRequest"/>): kept before what they create, found again by it
/// when the request the key recorded is theirs.</summary>
public sealed class NexoAsyncMessages(RelayDbContext db, TimeProvider clock)
{
    /// <summary>Keeps the message under its key with its request's hash. While the key has made nothing (<paramref name="taken"/>
    /// false), the latest message sent with it is kept: one refused before (Busy, say) gives way to the one that now creates. Once
    /// the key holds something, the kept message stays as it is.</summary>
    public Task KeepAsync(NexoCall call, string requestHash, bool taken, CancellationToken ct) => db.Database.ExecuteSqlAsync($"""
        INSERT INTO nexo_async_requests (account_id, key, message, request_hash, created_at)
        VALUES ({call.AccountId}, {call.Key}, {call.Message}, {requestHash}, {clock.GetUtcNow()})
        ON CONFLICT (account_id, key) DO UPDATE
        SET message = EXCLUDED.message, request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at
        WHERE NOT {taken}
        """, ct);

    /// <summary>The async message that created the transaction, if one did.</summary>
    public Task<byte[]?> OfTransactionAsync(Guid accountId, Guid transactionId, CancellationToken ct) =>
        db.NexoAsyncRequests.Where(r => r.AccountId == accountId && db.IdempotencyRecords.Any(k =>
                k.AccountId == accountId && k.Key == r.Key && k.RequestHash == r.RequestHash && k.TransactionId == transactionId))
            .Select(r => r.Message).FirstOrDefaultAsync(ct);

    /// <summary>The async message that created the terminal action, if one did.</summary>
    public Task<byte[]?> OfActionAsync(Guid accountId, Guid actionId, CancellationToken ct) =>
        db.NexoAsyncRequests.Where(r => r.AccountId == accountId && db.TerminalActions.Any(a =>
                a.AccountId == accountId && a.IdempotencyKey == r.Key && a.RequestHash == r.RequestHash && a.Id == actionId))
            .Select(r => r.Message).FirstOrDefaultAsync(ct);
}
