using System.Collections.Concurrent;
using Npgsql;
using Relay.Api.Cluster;
using Relay.Api.Events;
using Relay.Api.Infrastructure;

namespace Relay.Api.Hubs;

/// <summary>
/// Records in the database which connection holds a terminal, so any request can tell whether it is online, and
/// tells the account (terminal.online / terminal.offline, <see cref="TerminalPresenceEvent"/>) when that changes.
/// </summary>
/// <remarks>
/// Changes are written by one writer at a time: each write takes every change queued meanwhile (up to
/// <see cref="MaxBatch"/>) in one call of <c>relay_terminal_presence</c>, one round trip and one commit, each terminal's
/// changes in the order they were made. One change alone is written at once; a reconnect storm's thousands share a few
/// hundred commits.
/// </remarks>
public sealed class TerminalPresence(NpgsqlDataSource database, EventSequencer sequencer, ThisInstance instance, TimeProvider clock,
    ILogger<TerminalPresence> logger)
{
    private const int MaxBatch = 500;

    private readonly ConcurrentQueue<Change> _queue = new();
    private int _writing;

    /// <summary>Records the connection; true when the terminal has open transactions or actions (to send it on connect).</summary>
    public Task<bool> ConnectedAsync(Guid terminalId, string connectionId) =>
        Enqueue(new Change(terminalId, connectionId, true, null, clock.Now()));

    /// <summary>
    /// Marks the terminal offline unless a newer connection already took it over; <paramref name="lastSeen"/> is when it
    /// was last heard from (now, unless its instance died).
    /// </summary>
    public Task DisconnectedAsync(Guid terminalId, string connectionId, DateTimeOffset? lastSeen = null) =>
        Enqueue(new Change(terminalId, connectionId, false, lastSeen, clock.Now()));

    private Task<bool> Enqueue(Change change)
    {
        _queue.Enqueue(change);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            // Not in the caller's execution context: the writer serves every caller (its logs belong to none of them).
            ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.WriteQueuedAsync(), this, preferLocal: false);
        }

        return change.Done.Task;
    }

    private async Task WriteQueuedAsync()
    {
        do
        {
            while (!_queue.IsEmpty)
            {
                var batch = new List<Change>();
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var change))
                {
                    batch.Add(change);
                }

                await WriteAsync(batch);
            }

            // A full fence: a change queued after the look above either sees the flag down (and starts a writer) or is
            // seen by the look below.
            Interlocked.Exchange(ref _writing, 0);
        } while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0);
    }

    private async Task WriteAsync(List<Change> batch)
    {
        // By terminal (a stable sort keeps each terminal's changes in order), so that two instances writing the same
        // terminals in a storm lock their rows in the same order instead of deadlocking.
        batch = [.. batch.OrderBy(c => c.TerminalId)];
        try
        {
            var results = await CallAsync(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                if (results[i].EventAccountId is { } account)
                {
                    sequencer.Kick(account);
                }

                batch[i].Done.TrySetResult(results[i].HasOpenWork);
            }
        }
        catch (PostgresException e) when (batch.Count > 1)
        {
            // Refused by the database (a deadlock with some other writer, say): one change must not fail the others, so
            // each on its own. A lost connection (NpgsqlException) fails them all at once instead, as it would each.
            logger.LogWarning("Writing {Count} terminal presence changes together failed ({Error}); writing them one at a time",
                batch.Count, e.MessageText);
            foreach (var change in batch)
            {
                await WriteAsync([change]);
            }
        }
        catch (Exception e)
        {
            foreach (var change in batch)
            {
                change.Done.TrySetException(e);
            }
        }
    }

    private async Task<List<(Guid? EventAccountId, bool HasOpenWork)>> CallAsync(List<Change> batch)
    {
        await using var command = database.CreateCommand(
            "SELECT event_account_id, has_open_work FROM relay_terminal_presence($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = batch.Select(c => c.TerminalId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(c => c.ConnectionId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = batch.Select(c => c.Online).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = batch.Select(c => c.LastSeen ?? c.At).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = batch.Select(c => c.At).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = instance.Id });
        var results = new List<(Guid?, bool)>(batch.Count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add((reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetBoolean(1)));
        }

        return results.Count == batch.Count
            ? results
            : throw new InvalidOperationException($"relay_terminal_presence answered {results.Count} rows for {batch.Count} changes.");
    }

    /// <summary>A connect or a disconnect, when it was made, and its caller's wait for it to be written.</summary>
    private sealed class Change(Guid terminalId, string connectionId, bool online, DateTimeOffset? lastSeen, DateTimeOffset at)
    {
        public Guid TerminalId => terminalId;
        public string ConnectionId => connectionId;
        public bool Online => online;
        public DateTimeOffset? LastSeen => lastSeen;
        public DateTimeOffset At => at;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
