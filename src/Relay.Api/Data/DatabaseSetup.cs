using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Relay.Api.Data;

public static class DatabaseSetup
{
    // pg_advisory_lock key shared by every instance: one migrates at a time, the others wait and find nothing to do.
    private const long MigrationLockKey = 0x52454c4159; // "RELAY"

    public static IServiceCollection AddRelayDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Relay")
            ?? throw new InvalidOperationException("Set the PostgreSQL connection string: ConnectionStrings__Relay (config ConnectionStrings:Relay).");
        // The relay keeps no session state on pooled connections (LISTEN and the migration lock use connections of their
        // own), so a connection needs no DISCARD ALL when it returns to the pool, and its prepared statements stay. No
        // TransactionScope is used: nothing to enlist in, so opening a pooled connection skips looking for one.
        var pooled = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) pooled.NoResetOnClose = true;
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) pooled.MaxAutoPrepare = 64;
        if (!connectionString.Contains("Enlist", StringComparison.OrdinalIgnoreCase)) pooled.Enlist = false;
        // One pool of connections for EF and for the few hot statements that skip it (terminal sign-in and presence).
        services.AddSingleton(_ => NpgsqlDataSource.Create(pooled.ConnectionString));
        services.AddDbContextPool<RelayDbContext>((s, o) => o
            .UseNpgsql(s.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention());
        return services;
    }

    /// <summary>Creates the database if it is missing and applies migrations, waiting for PostgreSQL to come up (up to a minute).</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseSetup));
        var connectionString = app.Configuration.GetConnectionString("Relay")!;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await EnsureDatabaseExistsAsync(connectionString);
                // Unpooled: the session-level lock must end with this connection, not linger in a pool.
                await using var lockConnection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
                await lockConnection.OpenAsync();
                await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", lockConnection))
                {
                    await take.ExecuteNonQueryAsync();
                }

                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
                // MigrateAsync checks for the history table before reading it (GetPendingMigrations would log an error on a new database).
                await db.Database.MigrateAsync();

                await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLockKey})", lockConnection))
                {
                    await release.ExecuteNonQueryAsync();
                }

                logger.LogInformation("Database ready ({Database} on {Host})", lockConnection.Database, lockConnection.Host);
                return;
            }
            catch (NpgsqlException e) when (attempt < 30 && e is not PostgresException { SqlState: not ("57P03" or "3D000") })
            {
                logger.LogWarning("PostgreSQL not reachable yet ({Error}); retrying in 2 s", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    private static async Task EnsureDatabaseExistsAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var database = builder.Database ?? "relay";
        builder.Database = "postgres";
        builder.Pooling = false;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync() is null)
        {
            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", connection);
                await create.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another instance created it first.
            }
        }
    }
}
