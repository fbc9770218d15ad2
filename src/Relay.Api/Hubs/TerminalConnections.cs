using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Relay.Api.Hubs;

/// <summary>The terminals connected to this instance. One live connection per terminal: a newer one closes the older.</summary>
public sealed class TerminalConnections
{
    private readonly ConcurrentDictionary<Guid, HubCallerContext> _byTerminal = new();
    private readonly Lock _replacing = new();
    private static readonly object ConfiguredKey = new();

    /// <summary>
    /// Makes <paramref name="connection"/> the terminal's connection, has <paramref name="record"/> queue its connect
    /// (<see cref="TerminalPresence.ConnectedAsync"/>, which returns at once) and closes the one it replaces.
    /// </summary>
    /// <remarks>
    /// The connect is queued before the older connection is closed: that one's disconnect must be queued after it, or it
    /// finds the terminal still held by the older connection and shows it offline while the newer one is open. And under
    /// one lock with the replacing: connections racing for a terminal are then recorded in the order they replaced each
    /// other here, so the one recorded last is the one left open.
    /// </remarks>
    public Task<bool> Add(Guid terminalId, HubCallerContext connection, Func<Task<bool>> record)
    {
        HubCallerContext? previous = null;
        Task<bool> recorded;
        connection.Items[ConfiguredKey] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_replacing)
        {
            _byTerminal.AddOrUpdate(terminalId, connection, (_, old) => { previous = old; return connection; });
            recorded = record();
        }

        if (previous is not null && previous.ConnectionId != connection.ConnectionId)
        {
            previous.Abort();
        }

        return recorded;
    }

    /// <summary>Forgets the connection if it is still the terminal's current one; false when a newer one replaced it.</summary>
    /// <remarks>Under the lock <see cref="RecordAgain"/> takes, so a connection it records again is either still here then
    /// (and its disconnect is queued after) or gone already (and not recorded).</remarks>
    public bool Remove(Guid terminalId, string connectionId)
    {
        lock (_replacing)
        {
            return _byTerminal.TryGetValue(terminalId, out var current) && current.ConnectionId == connectionId
                   && _byTerminal.TryRemove(new KeyValuePair<Guid, HubCallerContext>(terminalId, current));
        }
    }

    /// <summary>
    /// Has <paramref name="record"/> queue the connect of every connection held here again (see <see cref="Add"/>), for when
    /// the database may have lost them: after this instance could not beat for long enough to be taken for dead.
    /// </summary>
    public Task RecordAgain(Func<Guid, string, Task<bool>> record)
    {
        lock (_replacing)
        {
            return Task.WhenAll(_byTerminal.Select(held => record(held.Key, held.Value.ConnectionId)));
        }
    }

    /// <summary>The connection has been sent its configuration (or failed to be): messages to it need not wait any more.</summary>
    public static void Configured(HubCallerContext connection)
    {
        if (connection.Items.TryGetValue(ConfiguredKey, out var configured)) ((TaskCompletionSource)configured!).TrySetResult();
    }

    /// <summary>
    /// Completes once the terminal's connection here has been sent its configuration on connect, so that a payment sent to
    /// a terminal that has just connected (asking for a tip, say) never arrives before the presets it is to use.
    /// </summary>
    public Task WhenConfigured(Guid terminalId) =>
        _byTerminal.TryGetValue(terminalId, out var c) && c.Items.TryGetValue(ConfiguredKey, out var configured)
            ? ((TaskCompletionSource)configured!).Task
            : Task.CompletedTask;

    public bool IsEmpty => _byTerminal.IsEmpty;

    /// <summary>How many terminals are connected to this instance now.</summary>
    public int Count => _byTerminal.Count;

    /// <summary>Closes every connection (this instance is stopping): terminals reconnect to another instance at once.</summary>
    public void CloseAll()
    {
        foreach (var terminalId in _byTerminal.Keys)
        {
            Close(terminalId);
        }
    }

    public string? ConnectionIdOf(Guid terminalId) => _byTerminal.TryGetValue(terminalId, out var c) ? c.ConnectionId : null;

    /// <summary>Closes the terminal's connection (removal, device swap); the device reconnects, or is refused if its token is
    /// gone.</summary>
    public void Close(Guid terminalId)
    {
        if (_byTerminal.TryRemove(terminalId, out var connection))
        {
            connection.Abort();
        }
    }
}
