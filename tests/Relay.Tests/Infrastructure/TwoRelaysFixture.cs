using System.Net.WebSockets;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// Two relay instances over one database, as behind a load balancer: <see cref="RelayFixture.Factory"/> (A, where the
/// POS calls go unless a test says otherwise) and <see cref="Second"/> (B, where terminals connect while it runs).
/// Heartbeats are fast so a dead instance is noticed within seconds; the periodic re-send of pending work is
/// off, so a push between instances that arrives came by LISTEN/NOTIFY.
/// </summary>
public sealed class TwoRelaysFixture() : RelayFixture(new Dictionary<string, string>
{
    ["Relay:Cluster:HeartbeatInterval"] = "00:00:00.250",
    // Long enough that a stall of a busy test machine does not make one instance declare the other dead (and its terminals
    // offline); the death of an instance is tested with a heartbeat written in the past.
    ["Relay:Cluster:DeadAfter"] = "00:00:10",
    ["Relay:Cluster:ResendAfter"] = "01:00:00", // pushes between instances must arrive by notification, not the safety net
})
{
    private volatile bool _secondRunning;

    public RelayFactory Second { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Second = new RelayFactory(ConnectionString, Clock, Settings);
        _ = Second.Server;
        _secondRunning = true;
    }

    /// <summary>Stops B the way a deploy does (SIGTERM): its terminals are told to go, and find A.</summary>
    public async Task StopSecondAsync()
    {
        _secondRunning = false;
        await Second.DisposeAsync();
    }

    /// <summary>Terminals connect to B while it runs, else to A.</summary>
    public override async ValueTask<WebSocket> OpenWebSocketAsync(Uri uri, string authorization, CancellationToken ct)
    {
        if (!_secondRunning)
        {
            return await base.OpenWebSocketAsync(uri, authorization, ct);
        }

        var client = Second.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = authorization;
        return await client.ConnectAsync(uri, ct);
    }

    public Merchant OnSecond(Merchant merchant) => merchant with { Http = Second.CreateClient().WithKey(merchant.ApiKey) };

    public override async Task DisposeAsync()
    {
        if (_secondRunning)
        {
            await StopSecondAsync();
        }

        await base.DisposeAsync();
    }
}
