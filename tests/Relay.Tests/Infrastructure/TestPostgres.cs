using Npgsql;
using Testcontainers.PostgreSql;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests create and drop their databases on, as an admin connection string: RELAY_TEST_DB when it
/// is set, otherwise one <c>postgres:15</c> container for the whole test run, started on first use (once per process) and
/// removed when the run ends (<see cref="RelayTestFramework"/>; on process exit as a fallback).
/// </summary>
public static class TestPostgres
{
    public const string Image = "postgres:15";

    /// <summary>Label on the container: scripts/test.sh sets RELAY_TEST_RUN and removes what a crashed run left behind.</summary>
    public const string RunLabel = "relay.tests.run";

    private static readonly Lazy<string> Admin = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock Gate = new();
    private static PostgreSqlContainer? _container;

    /// <summary>Starts the container on first use; a failed start is remembered, so every later test fails at once with it.</summary>
    public static string AdminConnectionString => Admin.Value;

    private static string Start()
    {
        var configured = Environment.GetEnvironmentVariable("RELAY_TEST_DB");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        // The builder's user (postgres) is the image's superuser, so the tests may create databases. The server settings are
        // the ones scripts/postgres.sh gives its clusters: no durability (the builder passes the same three; said here so the
        // tests do not depend on its defaults) and room for the connections of fixtures running in parallel.
        PostgreSqlContainer container;
        try
        {
            container = new PostgreSqlBuilder(Image)
                .WithCommand("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
                .WithCommand("-c", "max_connections=300")
                .WithLabel(RunLabel, Environment.GetEnvironmentVariable("RELAY_TEST_RUN") ?? "none")
                .Build(); // fails here when no Docker engine answers
        }
        catch (Exception e)
        {
            throw Unavailable(e);
        }
        lock (Gate)
        {
            _container = container; // before starting, so that a container that fails to get ready is removed too
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopOnExit();

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            Task.Run(() => container.StartAsync(timeout.Token)).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            throw Unavailable(e);
        }
        // The container asks for the password (the builder's default one) on TCP, where the throwaway clusters of before
        // trusted loopback: keep it in the string an open connection reports, which tests reuse to open another connection.
        return new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { PersistSecurityInfo = true }.ConnectionString;
    }

    private static InvalidOperationException Unavailable(Exception e) => new(
        $"RELAY_TEST_DB is not set, and a PostgreSQL container ({Image}) could not be started: {e.Message} "
        + "Run the tests with scripts/test.sh (it prepares a Docker engine and the image), or set RELAY_TEST_DB "
        + "to an admin connection string.", e);

    private static void StopOnExit()
    {
        try
        {
            StopAsync().Wait(TimeSpan.FromSeconds(15));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"TestPostgres: could not remove the PostgreSQL container on exit: {e.Message}");
        }
    }

    /// <summary>Stops and removes the container, if this process started one; later calls do nothing.</summary>
    public static async Task StopAsync()
    {
        PostgreSqlContainer? container;
        lock (Gate)
        {
            container = _container;
            _container = null;
        }
        if (container is not null)
        {
            await container.DisposeAsync();
        }
    }
}
