using Npgsql;

namespace Relay.Tests.Infrastructure;

/// <summary>A database of a test fixture's own (<c>relay_test_&lt;guid&gt;</c>) on the server in RELAY_TEST_DB; the relay creates and migrates it.</summary>
public sealed class TestDatabase
{
    private readonly string _adminConnectionString = Environment.GetEnvironmentVariable("RELAY_TEST_DB")
        ?? throw new InvalidOperationException("RELAY_TEST_DB is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL.");

    private readonly string _name = "relay_test_" + Guid.NewGuid().ToString("N");

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _name }.ConnectionString;

    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
