using System.Net.WebSockets;

namespace Relay.Tests.Infrastructure;

/// <summary>One relay over its own database per test class.</summary>
public class RelayFixture : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Lock _sockets = new();
    private List<WebSocket>? _openSockets = []; // null while the relay is down

    public RelayFixture() : this(new Dictionary<string, string>())
    {
    }

    /// <param name="settings">Configuration that differs from <see cref="RelayFactory"/>'s test defaults.</param>
    protected RelayFixture(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    protected IReadOnlyDictionary<string, string> Settings => _settings;

    public TestClock Clock { get; } = new();

    /// <summary>The fixture's database, as tests reach it.</summary>
    public string ConnectionString => _database.ConnectionString;

    /// <summary>The database as the relay reaches it (a fixture may put something in between).</summary>
    protected virtual string RelayConnectionString => _database.ConnectionString;

    public RelayFactory Factory { get; private set; } = null!;

    /// <summary>Records the relay's log events, when a fixture gives a recorder.</summary>
    protected virtual LogRecorder? Logs => null;

    public virtual Task InitializeAsync()
    {
        Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops this relay and starts a new one over the same database, as after a crash or a deploy.</summary>
    public async Task RestartAsync(Func<RelayFactory, Task>? whileDown = null)
    {
        var old = Factory;
        List<WebSocket> cut;
        lock (_sockets)
        {
            cut = _openSockets!;
            _openSockets = null;
        }

        await old.DisposeAsync();
        // A dead process takes its TCP connections with it; the in-memory test server does not, so cut them here.
        foreach (var socket in cut)
        {
            socket.Abort();
        }

        try
        {
            if (whileDown is not null) await whileDown(old);
        }
        finally
        {
            Start(); // a failed assertion while down must not leave the rest of the class without a relay
        }
    }

    /// <summary>
    /// Opens a terminal's WebSocket to the current relay over the test server, failing at once while the relay is
    /// down, as a refused TCP connection would.
    /// </summary>
    public virtual async ValueTask<WebSocket> OpenWebSocketAsync(Uri uri, string authorization, CancellationToken ct)
    {
        lock (_sockets)
        {
            if (_openSockets is null) throw new WebSocketException(WebSocketError.Faulted, "The relay is down.");
        }

        var client = Factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = authorization;
        var socket = await client.ConnectAsync(uri, ct);
        lock (_sockets)
        {
            if (_openSockets is not null)
            {
                _openSockets.Add(socket);
                return socket;
            }
        }

        socket.Abort(); // the relay went down while this connection was being opened
        throw new WebSocketException(WebSocketError.Faulted, "The relay is down.");
    }

    private void Start()
    {
        Factory = new RelayFactory(RelayConnectionString, Clock, _settings, Logs);
        _ = Factory.Server; // starts the host: migrations run now
        lock (_sockets)
        {
            _openSockets = [];
        }
    }

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _database.DropAsync();
    }
}
