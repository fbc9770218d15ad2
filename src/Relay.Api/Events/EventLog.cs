using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;

namespace Relay.Api.Events;

/// <summary>
/// Writes events in the same database transaction as the change they describe (the outbox), and has them numbered
/// (<see cref="EventSequencer"/>) once they commit.
/// </summary>
public sealed class EventLog(RelayDbContext db, EventSequencer sequencer, TimeProvider clock)
{
    private readonly HashSet<Guid> _unpublished = [];
    private readonly List<Action> _afterCommit = [];

    /// <summary>
    /// Appends an event. Once committed it gets the account's next sequence number and its webhook deliveries (and, for
    /// transaction.updated, one to the transaction's callbackUrl).
    /// </summary>
    public async Task AppendAsync(
        Guid accountId, string type, object data, string? registerId = null, Guid? terminalId = null, Guid? transactionId = null)
    {
        var json = JsonSerializer.Serialize(data, data.GetType(), RelayJson.Options);
        await db.Database.ExecuteSqlAsync($"""
            SELECT relay_append_event({accountId}, {type}, {clock.Now()}, {registerId}, {terminalId}, {transactionId}, CAST({json} AS json))
            """);
        Appended(accountId);
    }

    /// <summary>An event of the account was appended by a statement of the caller's (transaction transitions append their own).</summary>
    public void Appended(Guid accountId)
    {
        _unpublished.Add(accountId);
        if (db.Database.CurrentTransaction is null)
        {
            Publish();
        }
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

    /// <summary>Runs <paramref name="action"/> once the caller's open database transaction commits (with <see cref="Publish"/>).</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>Has the events that committed numbered (which wakes the streams); call after committing a transaction of your
    /// own.</summary>
    public void Publish()
    {
        foreach (var accountId in _unpublished)
        {
            sequencer.Kick(accountId);
        }

        _unpublished.Clear();
        foreach (var action in _afterCommit)
        {
            action();
        }

        _afterCommit.Clear();
    }
}
