using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;

namespace Relay.Api.Events;

/// <summary>
/// Writes events in the same database transaction as the change they describe (the outbox), and wakes this instance's
/// streams once they commit.
/// </summary>
public sealed class EventLog(RelayDbContext db, EventSignals signals, TimeProvider clock)
{
    private readonly HashSet<Guid> unpublished = [];

    /// <summary>
    /// Appends an event with the account's next sequence number and queues its webhook deliveries (and one to
    /// <paramref name="callbackUrl"/>, a transaction's callbackUrl, when given).
    /// </summary>
    public async Task<long> AppendAsync(Guid accountId, string type, object data,
        string? registerId = null, Guid? terminalId = null, Guid? transactionId = null, string? callbackUrl = null)
    {
        var json = JsonSerializer.Serialize(data, data.GetType(), RelayJson.Options);
        var sequence = await db.Database.SqlQuery<long>($"""
            SELECT relay_append_event({accountId}, {type}, {clock.Now()}, {registerId}, {terminalId}, {transactionId}, CAST({json} AS json), {callbackUrl}) AS "Value"
            """).SingleAsync();
        unpublished.Add(accountId);
        if (db.Database.CurrentTransaction is null)
        {
            Publish();
        }

        return sequence;
    }

    /// <summary>
    /// Runs <paramref name="change"/> in a database transaction (or in the caller's, when one is open), so the change
    /// and its events commit together; streams are woken after the commit.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<Task<T>> change)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await change();
        }

        T result;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            result = await change();
            await transaction.CommitAsync();
        }

        Publish();
        return result;
    }

    /// <summary>Wakes the streams of the accounts whose events have committed; call after committing a transaction of your own.</summary>
    public void Publish()
    {
        foreach (var accountId in unpublished)
        {
            signals.Notify(accountId);
        }

        unpublished.Clear();
    }
}
