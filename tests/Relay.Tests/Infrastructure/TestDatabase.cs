using Npgsql;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// A database of a test fixture's own (<c>relay_test_&lt;guid&gt;</c>) on the server of <see cref="TestPostgres"/> (RELAY_TEST_DB,
/// or the test run's PostgreSQL container); the relay creates and migrates it.
/// </summary>
public sealed class TestDatabase
{
    private readonly string _adminConnectionString = TestPostgres.AdminConnectionString;

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
