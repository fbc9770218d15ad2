using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// A raw hub connection (the official SignalR client, no SDK) that records, in order, the server → terminal messages a test
/// asks about, so it can assert what arrived and in which order.
/// </summary>
public sealed class HubRecorder : IAsyncDisposable
{
    private readonly Channel<(string Method, JsonNode? Argument)> _messages;

    private HubRecorder(HubConnection connection, Channel<(string, JsonNode?)> messages)
    {
        Connection = connection;
        _messages = messages;
    }

    public HubConnection Connection { get; }

    /// <summary>Connects with the device token, recording <paramref name="methods"/> from the first message on.</summary>
    public static async Task<HubRecorder> ConnectAsync(RelayFixture relay, string deviceToken, params string[] methods)
    {
        var messages = Channel.CreateUnbounded<(string, JsonNode?)>();
        var connection = await relay.ConnectRawAsync(deviceToken, hub =>
        {
            foreach (var method in methods)
            {
                hub.On<JsonNode?>(method, argument => messages.Writer.TryWrite((method, argument)));
            }
        });
        return new HubRecorder(connection, messages);
    }

    /// <summary>The next message recorded, whatever its method.</summary>
    public async Task<(string Method, JsonNode? Argument)> NextAsync(int seconds = Scenario.Patience)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await _messages.Reader.ReadAsync(cts.Token);
    }

    /// <summary>The next message, which must be <paramref name="method"/>: its argument.</summary>
    public async Task<JsonNode> NextAsync(string method, int seconds = Scenario.Patience)
    {
        var (received, argument) = await NextAsync(seconds);
        Assert.Equal(method, received);
        return argument!;
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
