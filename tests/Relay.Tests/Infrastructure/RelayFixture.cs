using Npgsql;

namespace Relay.Tests.Infrastructure;

/// <summary>One relay over its own database per test class: <c>relay_test_&lt;guid&gt;</c>, created, migrated by the relay, dropped.</summary>
public sealed class RelayFixture : IAsyncLifetime
{
    private readonly string adminConnectionString = Environment.GetEnvironmentVariable("RELAY_TEST_DB")
        ?? throw new InvalidOperationException("RELAY_TEST_DB is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL.");

    private readonly string database = "relay_test_" + Guid.NewGuid().ToString("N");

    public TestClock Clock { get; } = new();

    public string ConnectionString { get; private set; } = "";

    public RelayFactory Factory { get; private set; } = null!;

    public Task InitializeAsync()
    {
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
        Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops this relay and starts a new one over the same database, as after a crash or a deploy.</summary>
    public async Task RestartAsync(Func<RelayFactory, Task>? whileDown = null)
    {
        var old = Factory;
        await old.DisposeAsync();
        try
        {
            if (whileDown is not null) await whileDown(old);
        }
        finally
        {
            Start(); // a failed assertion while down must not leave the rest of the class without a relay
        }
    }

    private void Start()
    {
        Factory = new RelayFactory(ConnectionString, Clock);
        _ = Factory.Server; // starts the host: migrations run now
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
