using Npgsql;

namespace Relay.Api.Cluster;

/// <summary>
/// The topics this instance waits on (a <c>Prefer: wait</c> request's transaction or action, an event stream's
/// account), kept in the database (<see cref="PeerInterest"/>) so that the hints about them are addressed to this
/// instance alone rather than broadcast to every instance (<see cref="PeerNotify"/>).
/// </summary>
/// <remarks>
/// A topic is written when its first waiter here starts (while other instances run; alone, nothing can send it) and
/// left behind when its last one ends: the heartbeat (<see cref="SyncAsync"/>) deletes this instance's rows that nothing
/// holds any more and writes back those that are missing (lost in a crash or a failover, or held while alone), and so
/// does every reconnect of the listener. A hint missed meanwhile costs the re-read every waiter does anyway.
/// </remarks>
public sealed class PeerInterests(NpgsqlDataSource database, ThisInstance instance, Peers peers, ILogger<PeerInterests> logger)
{
    private readonly Dictionary<string, int> _held = [];

    /// <summary>Waits on <paramref name="topic"/> until the result is disposed; registered before it returns.</summary>
    public async ValueTask<Held> HoldAsync(string topic, CancellationToken ct)
    {
        bool first;
        lock (_held)
        {
            _held[topic] = _held.GetValueOrDefault(topic) + 1;
            first = _held[topic] == 1;
        }

        var held = new Held(this, topic);
        if (first && !peers.Alone)
        {
            try
            {
                await using var command = database.CreateCommand(
                    "INSERT INTO relay_interests (topic, instance_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
                command.Parameters.Add(new() { Value = topic });
                command.Parameters.Add(new() { Value = instance.Id });
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Could not register interest in {Topic} ({Error}); its waiters re-read meanwhile", topic, e.Message);
            }
            catch
            {
                held.Dispose();
                throw;
            }
        }

        return held;
    }

    /// <summary>Makes this instance's rows what it holds now: one statement, at each heartbeat while other instances run.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        string[] topics;
        lock (_held)
        {
            topics = [.. _held.Keys];
        }

        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new("DELETE FROM relay_interests WHERE instance_id = $1 AND topic <> ALL($2)")
        {
            Parameters = { new() { Value = instance.Id }, new() { Value = topics } },
        });
        batch.BatchCommands.Add(new(
            "INSERT INTO relay_interests (topic, instance_id) SELECT unnest($2::text[]), $1 ON CONFLICT DO NOTHING")
        {
            Parameters = { new() { Value = instance.Id }, new() { Value = topics } },
        });
        await batch.ExecuteNonQueryAsync(ct);
    }

    private void Release(string topic)
    {
        lock (_held)
        {
            if (--_held[topic] == 0) _held.Remove(topic);
        }
    }

    public sealed class Held(PeerInterests interests, string topic) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) interests.Release(topic);
        }
    }
}
