using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;

namespace Relay.Api.Nexo;

/// <summary>The messages sent to /nexo/async (<see cref="NexoAsyncRequest"/>): kept before what they create, found again by it
/// when the request the key recorded is theirs.</summary>
public sealed class NexoAsyncMessages(RelayDbContext db, TimeProvider clock)
{
    /// <summary>Keeps the message under its key and its request's hash: a retry of it keeps the first; another message with the key
    /// (one refused before, one that reuses its ServiceID) is kept beside it, and only the one whose request the key made is
    /// replayed.</summary>
    public Task KeepAsync(NexoCall call, string requestHash, CancellationToken ct) => db.Database.ExecuteSqlAsync($"""
        INSERT INTO nexo_async_requests (account_id, key, request_hash, message, created_at)
        VALUES ({call.AccountId}, {call.Key}, {requestHash}, {call.Message}, {clock.GetUtcNow()})
        ON CONFLICT DO NOTHING
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
