using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Relay.Bench;

/// <summary>What the harness measures: the relay (with its PostgreSQL) or the floor, set up and torn down the same way.</summary>
public abstract class Target(string name) : IAsyncDisposable
{
    public string Name => name;

    /// <summary>Where POS calls go and terminals connect.</summary>
    public ServerProcess Server { get; protected set; } = null!;

    public string ApiKey { get; protected set; } = "";

    public abstract Task StartAsync(string logDirectory);

    /// <summary>Terminals the server knows and can connect (their credentials); none connected yet.</summary>
    public abstract Task<List<BenchTerminal>> CreateTerminalsAsync(int count, Progress progress);

    /// <summary>Pairs each of these connected terminals with a register of its own (sets their RegisterId).</summary>
    public abstract Task PairAsync(IReadOnlyList<BenchTerminal> terminals, Progress progress);

    /// <summary>The database's counters so far, or null when there is no database.</summary>
    public virtual Task<DatabaseCounters?> DatabaseCountersAsync() => Task.FromResult<DatabaseCounters?>(null);

    public virtual Task<long?> ApprovedInDatabaseAsync() => Task.FromResult<long?>(null);

    /// <summary>The database server's CPU time so far, or null when there is none.</summary>
    public virtual TimeSpan? DatabaseCpu() => null;

    /// <summary>Starts counting statements afresh (pg_stat_statements), when there is a database.</summary>
    public virtual Task ResetStatementsAsync() => Task.CompletedTask;

    /// <summary>The statements run since the reset, costliest first, per payment of <paramref name="payments"/>.</summary>
    public virtual Task<List<StatementCost>> StatementsAsync(int payments) => Task.FromResult<List<StatementCost>>([]);

    public abstract ValueTask DisposeAsync();

    protected static async Task ForEachAsync<T>(IEnumerable<T> items, int parallel, Func<T, Task> body) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (item, _) => await body(item));
}

/// <param name="Transactions">pg_stat_database.xact_commit of the relay's database.</param>
/// <param name="WalFlushes">pg_stat_wal.wal_sync.</param>
/// <param name="WalBytes">pg_stat_wal.wal_bytes: what every change costs in the log.</param>
/// <param name="Updates">Rows of <c>transactions</c> updated (pg_stat_user_tables.n_tup_upd).</param>
/// <param name="HotUpdates">Of those, updated in place with no index touched (n_tup_hot_upd).</param>
public sealed record DatabaseCounters(long Transactions, long WalFlushes, long WalBytes, long Updates, long HotUpdates);

/// <summary>One statement's cost in a step (pg_stat_statements): per payment, its calls, execution time and WAL.</summary>
public sealed record StatementCost(string Query, double CallsPerPayment, double MsPerPayment, double MeanMs, double WalBytesPerPayment);

/// <summary>The bare relay (bench/Relay.Floor): Kestrel, SignalR and JSON, no database.</summary>
public sealed class FloorTarget() : Target("floor")
{
    public override async Task StartAsync(string logDirectory)
    {
        Server = new ServerProcess("floor", Repo.Dll("bench/Relay.Floor"), ServerProcess.FreePort(), [],
            Path.Combine(logDirectory, "floor.log"));
        await Server.StartAsync();
        ApiKey = "floor";
    }

    public override Task<List<BenchTerminal>> CreateTerminalsAsync(int count, Progress progress) =>
        Task.FromResult(Enumerable.Range(1, count).Select(i => new BenchTerminal($"till-{i}")).ToList());

    public override Task PairAsync(IReadOnlyList<BenchTerminal> terminals, Progress progress)
    {
        foreach (var terminal in terminals) terminal.RegisterId = terminal.Token;
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>The relay (src/Relay.Api) as in production, on a PostgreSQL of its own with durable commits.</summary>
public sealed class RelayTarget() : Target("relay")
{
    private const string AdminKey = "bench-admin-key";
    private readonly Postgres _postgres = new();
    private readonly List<ServerProcess> _instances = [];
    private string _logDirectory = "";
    private NpgsqlDataSource _database = null!;

    public override async Task StartAsync(string logDirectory)
    {
        _logDirectory = logDirectory;
        await _postgres.StartAsync();
        _database = NpgsqlDataSource.Create(_postgres.ConnectionString("relay"));
        Server = await StartInstanceAsync("relay-a");
        await using (var extension = _database.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
        {
            await extension.ExecuteNonQueryAsync();
        }

        using var admin = Client(AdminKey);
        var account = await Json(await admin.PostAsJsonAsync("/api/v1/accounts", new { name = "Bench" }));
        ApiKey = account.GetProperty("apiKey").GetString()!;
    }

    /// <summary>Another relay instance on the same database.</summary>
    public async Task<ServerProcess> StartInstanceAsync(string name)
    {
        var instance = new ServerProcess(name, Repo.Dll("src/Relay.Api"), ServerProcess.FreePort(), new Dictionary<string, string>
        {
            ["ConnectionStrings__Relay"] = _postgres.ConnectionString("relay"),
            ["Relay__AdminApiKey"] = AdminKey,
            ["Relay__RateLimits__ActivationsPerMinute"] = "1000000",
            ["Relay__RateLimits__PairingsPerMinute"] = "1000000",
        }.Concat(ExtraEnvironment()).ToDictionary(), Path.Combine(_logDirectory, name + ".log"));
        _instances.Add(instance);
        await instance.StartAsync();
        return instance;
    }

    /// <summary>RELAY_BENCH_RELAY_ENV="K=V K=V": more settings for the relay processes, while experimenting.</summary>
    private static IEnumerable<KeyValuePair<string, string>> ExtraEnvironment() =>
        (Environment.GetEnvironmentVariable("RELAY_BENCH_RELAY_ENV") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(kv => kv.Split('=', 2)).Select(kv => KeyValuePair.Create(kv[0], kv[1]));

    public override async Task<List<BenchTerminal>> CreateTerminalsAsync(int count, Progress progress)
    {
        using var pos = Client(ApiKey);
        var terminals = new BenchTerminal[count];
        var done = 0;
        progress.Begin("creating and activating terminals", () => $"{done}/{count}");
        await ForEachAsync(Enumerable.Range(0, count), 16, async i =>
        {
            var created = await Json(await pos.PostAsJsonAsync("/api/v1/terminals", new { label = $"Bench {i + 1}" }));
            var activated = await Json(await pos.PostAsJsonAsync("/api/v1/terminal-activations",
                new { activationCode = created.GetProperty("activationCode").GetString(), serialNumber = $"BENCH-{i + 1:D5}",
                    model = "Bench" }));
            terminals[i] = new BenchTerminal(activated.GetProperty("deviceToken").GetString()!);
            Interlocked.Increment(ref done);
        });
        progress.End();
        return [.. terminals];
    }

    public override async Task PairAsync(IReadOnlyList<BenchTerminal> terminals, Progress progress)
    {
        using var pos = Client(ApiKey);
        var done = 0;
        progress.Begin("pairing registers", () => $"{done}/{terminals.Count}");
        await ForEachAsync(Enumerable.Range(0, terminals.Count), 16, async i =>
        {
            var code = await terminals[i].Connection!.InvokeAsync("RequestPairingCode", [], TimeSpan.FromSeconds(30));
            var register = $"till-{i + 1}";
            await Json(await pos.PostAsJsonAsync("/api/v1/pairings",
                new { pairingCode = code.GetProperty("code").GetString(), registerId = register }));
            terminals[i].RegisterId = register;
            Interlocked.Increment(ref done);
        });
        progress.End();
    }

    public override async Task<DatabaseCounters?> DatabaseCountersAsync()
    {
        await Task.Delay(1500); // backends report their counts to the statistics at most once a second
        await using var command = _database.CreateCommand("""
            SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = 'relay'), wal_sync, wal_bytes::bigint,
                (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'transactions'),
                (SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'transactions')
            FROM pg_stat_wal
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new DatabaseCounters(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    public override TimeSpan? DatabaseCpu() => _postgres.CpuTime();

    public override async Task ResetStatementsAsync()
    {
        await using var reset = _database.CreateCommand("SELECT pg_stat_statements_reset()");
        await reset.ExecuteNonQueryAsync();
    }

    public override async Task<List<StatementCost>> StatementsAsync(int payments)
    {
        await using var command = _database.CreateCommand("""
            SELECT regexp_replace(query, '\s+', ' ', 'g'), calls, total_exec_time, wal_bytes::float8
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = 'relay' AND query NOT LIKE '%pg_stat_statements%'
            ORDER BY total_exec_time DESC LIMIT 15
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var costs = new List<StatementCost>();
        while (await reader.ReadAsync())
        {
            var (query, calls, total, wal) = (reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3));
            costs.Add(new StatementCost(query.Length > 110 ? query[..110] + "…" : query, (double)calls / payments, total / payments,
                total / calls, wal / payments));
        }

        return costs;
    }

    public override async Task<long?> ApprovedInDatabaseAsync()
    {
        await using var command = _database.CreateCommand("SELECT count(*) FROM transactions WHERE status = 'approved'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances) await instance.DisposeAsync();
        await _database.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    private HttpClient Client(string key) =>
        new() { BaseAddress = Server.Url, DefaultRequestHeaders = { { "Authorization", "Bearer " + key } },
            Timeout = TimeSpan.FromSeconds(60) };

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
