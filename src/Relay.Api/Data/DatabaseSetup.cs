using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Relay.Api.Data;

public static class DatabaseSetup
{
    // pg_advisory_lock key shared by every instance: one migrates at a time, the others wait and find nothing to do.
    private const long MigrationLockKey = 0x52454c4159; // "RELAY"

    /// <summary>Connections per instance unless the connection string says (Maximum Pool Size): two instances fit PostgreSQL's default of
    /// 100.</summary>
    public const int DefaultMaxPoolSize = 40;

    public static IServiceCollection AddRelayDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Relay")
            ?? throw new InvalidOperationException(
                "Set the PostgreSQL connection string: ConnectionStrings__Relay (config ConnectionStrings:Relay).");
        // The relay keeps no session state on pooled connections (LISTEN and the migration lock use connections of their
        // own), so a connection needs no DISCARD ALL when it returns to the pool, and its prepared statements stay. No
        // TransactionScope is used: nothing to enlist in, so opening a pooled connection skips looking for one.
        // Auto-preparation stays off: a statement that fails while PostgreSQL binds its parameters (text it cannot store,
        // such as a NUL) in the very round trip that auto-prepares it leaves Npgsql's bookkeeping of that connection wrong,
        // so the next use of the statement there runs, and then throws "unexpected backend message DataRow" to a caller
        // whose change was made (npgsql/npgsql#6391, still in 10.0.3). The hot statements are prepared explicitly instead
        // (TransactionStateMachine), which prepares in a round trip of its own. The pool is sized for several instances
        // on one PostgreSQL with its default max_connections (100); a larger server can take a larger pool.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "").ToLowerInvariant()).ToHashSet();
        var pooled = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("noresetonclose")) pooled.NoResetOnClose = true;
        if (!given.Contains("maxautoprepare")) pooled.MaxAutoPrepare = 0;
        if (!given.Contains("enlist")) pooled.Enlist = false;
        if (!given.Overlaps(["maxpoolsize", "maximumpoolsize"])) pooled.MaxPoolSize = DefaultMaxPoolSize;
        // One pool of connections for EF and for the few hot statements that skip it (terminal sign-in and presence).
        // Named, so that Npgsql's metrics label the pool "relay" and not with the connection string (host, database, user).
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(pooled.ConnectionString) { Name = "relay" }.Build());
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
                await using var lockConnection = new NpgsqlConnection(
                    new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
                await lockConnection.OpenAsync();
                await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", lockConnection))
                {
                    await take.ExecuteNonQueryAsync();
                }

                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
                // MigrateAsync reads the history table before creating it, and logs that failure on a new database as an Error
                // (dotnet/efcore#37328): the table is made first, with EF's own statement (CREATE TABLE IF NOT EXISTS).
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync();
                if ((await db.Database.GetAppliedMigrationsAsync()).Except(db.Database.GetMigrations()).FirstOrDefault() is { } unknown)
                {
                    // The history was squashed into one migration on 2026-12-01, while no installation depended on it.
                    throw new InvalidOperationException(
                        $"This database was made by another build of the relay (migration {unknown} is not one of "
                        + "this build's): drop the database (or delete .data/ when scripts/run.sh made it) and start again.");
                }

                await db.Database.MigrateAsync();
                await SqlFunctions.ApplyAsync(lockConnection, logger);

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
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = database } }
        };
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
