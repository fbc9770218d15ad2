using Npgsql;

namespace Relay.Tests.Infrastructure;

/// <summary>A database of a test fixture's own (<c>relay_test_&lt;guid&gt;</c>) on the server in RELAY_TEST_DB; the relay creates and migrates it.</summary>
public sealed class TestDatabase
{
    private readonly string adminConnectionString = Environment.GetEnvironmentVariable("RELAY_TEST_DB")
        ?? throw new InvalidOperationException("RELAY_TEST_DB is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL.");

    private readonly string name = "relay_test_" + Guid.NewGuid().ToString("N");

    public string ConnectionString => new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;

    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
