using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Npgsql;

namespace Relay.Faults;

/// <summary>
/// What the suite runs: one PostgreSQL (or a primary with a synchronous streaming standby, for failover), two relay
/// instances sharing it, a load balancer for terminals and one for POS calls in front of them, and simulator terminals,
/// each paired with a register.
/// </summary>
public sealed class Topology : IAsyncDisposable
{
    public const string AdminKey = "faults-admin-key";

    private Task _rearming = Task.CompletedTask;

    private Topology(
        Postgres postgres, Postgres? standby, string connectionString, RelayProcess[] relays, TcpBalancer terminalLb,
        TcpBalancer posLb, string logDirectory)
    {
        Postgres = postgres;
        Standby = standby;
        Relays = relays;
        TerminalLb = terminalLb;
        PosLb = posLb;
        LogDirectory = logDirectory;
        Database = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>The primary.</summary>
    public Postgres Postgres { get; private set; }

    /// <summary>The synchronous standby, in a replicated topology.</summary>
    public Postgres? Standby { get; private set; }
    public RelayProcess[] Relays { get; }
    public TcpBalancer TerminalLb { get; }
    public TcpBalancer PosLb { get; }
    public string LogDirectory { get; }
    public NpgsqlDataSource Database { get; }
    public List<SimulatorProcess> Terminals { get; } = [];
    public Dictionary<SimulatorProcess, string> Registers { get; } = [];
    public Pos Pos { get; private set; } = null!;
    public Pos[] DirectPos { get; private set; } = [];

    public static async Task<Topology> StartAsync(int terminals, int delayMs, string logDirectory, bool replicated = false)
    {
        var postgres = new Postgres(FreePort());
        await postgres.StartAsync();
        Postgres? standby = null;
        var connectionString = postgres.ConnectionString("relay");
        if (replicated)
        {
            standby = new Postgres(FreePort());
            await standby.BecomeStandbyOfAsync(postgres);
            // As an operator points the relay at a replicated PostgreSQL: every host, the primary wanted, hosts re-checked
            // often (Npgsql remembers a host's role for a while).
            connectionString = $"Host=127.0.0.1:{postgres.Port},127.0.0.1:{standby.Port};Username=relay;Database=relay;"
                               + "Target Session Attributes=primary;Host Recheck Seconds=1";
        }
        var relays = new[]
        {
            new RelayProcess("a", FreePort(), connectionString, AdminKey, logDirectory),
            new RelayProcess("b", FreePort(), connectionString, AdminKey, logDirectory)
        };
        await relays[0].StartAsync(); // migrates the new database
        await relays[1].StartAsync();
        var topology = new Topology(postgres, standby, connectionString, relays, new TcpBalancer(relays[0].Port, relays[1].Port),
            new TcpBalancer(relays[0].Port, relays[1].Port), logDirectory);

        using var admin = new HttpClient
        {
            BaseAddress = Url(topology.PosLb.Port), DefaultRequestHeaders = { { "Authorization", "Bearer " + AdminKey } }
        };
        var account = await (await admin.PostAsJsonAsync("/api/v1/accounts", new { name = "Fault suite" }))
            .Content.ReadFromJsonAsync<JsonNode>();
        var apiKey = (string)account!["apiKey"]!;
        topology.Pos = new Pos(Url(topology.PosLb.Port), apiKey);
        topology.DirectPos = relays.Select(r => new Pos(Url(r.Port), apiKey)).ToArray();

        for (var i = 1; i <= terminals; i++)
        {
            var terminal = new SimulatorProcess($"t{i}", logDirectory);
            var created = await topology.Pos.PostAsync("/api/v1/terminals", new { label = $"Fault terminal {i}" });
            await terminal.ActivateAsync(Url(topology.TerminalLb.Port).ToString(), (string)created["activationCode"]!);
            terminal.Start(delayMs);
            var code = await terminal.PairingCodeAsync();
            await topology.Pos.PostAsync("/api/v1/pairings", new { pairingCode = code, registerId = $"till-{i}" });
            topology.Terminals.Add(terminal);
            topology.Registers[terminal] = $"till-{i}";
        }

        return topology;
    }

    /// <summary>The relay processes holding these terminals now, as the database records it.</summary>
    public async Task<List<RelayProcess>> HoldersAsync(IEnumerable<SimulatorProcess> terminals)
    {
        await using var command = Database.CreateCommand(
            "SELECT DISTINCT i.name FROM terminals t JOIN relay_instances i ON i.id = t.instance_id " +
            "WHERE t.id = ANY($1) AND t.connection_id IS NOT NULL");
        command.Parameters.Add(new() { Value = terminals.Select(t => Guid.Parse(t.TerminalId)).ToArray() });
        var pids = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) pids.Add(int.Parse(reader.GetString(0).Split('/')[^1]));
        }

        return Relays.Where(r => r.Pid is { } pid && pids.Contains(pid)).ToList();
    }

    public async Task<bool> AllOnlineAsync()
    {
        await using var command = Database.CreateCommand("SELECT count(*) FROM terminals WHERE id = ANY($1) AND connection_id IS NOT NULL");
        command.Parameters.Add(new() { Value = Terminals.Select(t => Guid.Parse(t.TerminalId)).ToArray() });
        return (long)(await command.ExecuteScalarAsync())! == Terminals.Count;
    }

    /// <summary>Transaction statuses straight from the database (which never hangs the way a frozen instance does).</summary>
    public async Task<Dictionary<string, string>> StatusesAsync(IEnumerable<string> ids)
    {
        await using var command = Database.CreateCommand("SELECT id, status FROM transactions WHERE id = ANY($1)");
        command.Parameters.Add(new() { Value = ids.Select(Guid.Parse).ToArray() });
        var statuses = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) statuses[reader.GetGuid(0).ToString()] = reader.GetString(1);
        return statuses;
    }

    public async Task<long> TransactionsWithReferenceAsync(string reference)
    {
        await using var command = Database.CreateCommand("SELECT count(*) FROM transactions WHERE reference = $1");
        command.Parameters.Add(new() { Value = reference });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The primary dies (an immediate stop), and a moment later the standby is promoted, as Patroni or a cloud service
    /// would do. The dead one is then rebuilt as the new primary's synchronous standby in the background, ready for the
    /// next failover (which waits for it).
    /// </summary>
    public async Task FailoverAsync(Func<Task> whileNoPrimary)
    {
        await _rearming;
        var (dying, taking) = (Postgres, Standby ?? throw new InvalidOperationException("No standby: not a replicated topology."));
        await dying.KillAsync();
        await Task.Delay(1000);
        await whileNoPrimary();
        await taking.PromoteAsync();
        Database.Clear(); // the suite's own pooled connections died with the old primary
        (Postgres, Standby) = (taking, dying);
        _rearming = Task.Run(() => dying.BecomeStandbyOfAsync(taking));
    }

    public static Uri Url(int port) => new($"http://127.0.0.1:{port}");

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var terminal in Terminals) await terminal.DisposeAsync();
        await TerminalLb.DisposeAsync();
        await PosLb.DisposeAsync();
        foreach (var relay in Relays)
        {
            relay.Resume();
            relay.Kill();
        }

        await Database.DisposeAsync();
        await _rearming.ContinueWith(_ => { }, TaskScheduler.Default);
        await Postgres.DisposeAsync();
        if (Standby is not null) await Standby.DisposeAsync();
    }
}
