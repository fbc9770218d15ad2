using System.Collections.Concurrent;
using Npgsql;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// Relay notification channels, heard as another relay instance would hear them: <c>relay</c> (every instance) and
/// <c>relay_&lt;instance id&gt;</c> (the hints addressed to one instance).
/// </summary>
public sealed class HintChannel : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _first;
    private readonly BlockingCollection<string> _heard = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private HintChannel(NpgsqlConnection connection, string first)
    {
        _connection = connection;
        _first = first;
        _connection.Notification += (_, n) => _heard.Add(n.Payload);
        _reading = Task.Run(async () =>
        {
            try
            {
                while (true) await _connection.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>The channel on which the relay instance <paramref name="instanceId"/> hears the hints addressed to it.</summary>
    public static string Of(Guid instanceId) => $"relay_{instanceId:N}";

    public static async Task<HintChannel> ListenAsync(string connectionString, params string[] channels)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var channel in channels)
        {
            await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
            await listen.ExecuteNonQueryAsync();
        }

        return new HintChannel(connection, channels[0]);
    }

    /// <summary>Registers <paramref name="instanceId"/> as waiting on <paramref name="topic"/>, as a waiter there would.</summary>
    public async Task WaitOnAsync(string topic, Guid instanceId)
    {
        await using var other = new NpgsqlConnection(_connection.ConnectionString);
        await other.OpenAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO relay_interests (topic, instance_id) VALUES ($1, $2)", other)
        {
            Parameters = { new() { Value = topic }, new() { Value = instanceId } },
        };
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>Notifies on a connection of its own (this one is busy waiting), on the first channel listened to unless told.</summary>
    public async Task NotifyAsync(string payload, string? channel = null)
    {
        await using var other = new NpgsqlConnection(_connection.ConnectionString);
        await other.OpenAsync();
        await using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", other)
        {
            Parameters = { new() { Value = channel ?? _first }, new() { Value = payload } },
        };
        await notify.ExecuteNonQueryAsync();
    }

    /// <summary>What was notified before a marker sent now: notifications arrive in commit order.</summary>
    public async Task<List<string>> UntilMarkerAsync()
    {
        var marker = "marker:" + Guid.NewGuid();
        await NotifyAsync(marker);
        var before = new List<string>();
        while (_heard.TryTake(out var payload, TimeSpan.FromSeconds(Scenario.Patience)) && payload != marker)
        {
            before.Add(payload);
        }

        return before;
    }

    /// <summary>Everything heard until each of <paramref name="expected"/> has been (at most 10 s).</summary>
    public List<string> Until(params string[] expected)
    {
        var heard = new List<string>();
        while (!expected.All(heard.Contains) && _heard.TryTake(out var payload, TimeSpan.FromSeconds(Scenario.Patience)))
        {
            heard.Add(payload);
        }

        return heard;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _reading;
        await _connection.DisposeAsync();
    }
}
