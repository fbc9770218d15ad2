using Npgsql;

namespace Relay.Api.Data;

/// <summary>
/// The relay's PL/pgSQL functions: each one a <c>.sql</c> file beside the feature it serves (embedded in the assembly),
/// applied with <c>CREATE OR REPLACE</c> at every start, after the migrations and under their lock, so the database runs
/// the code of the relay that started last. Migrations change tables only. A function whose arguments or result change
/// needs the old one dropped first: its file starts with <c>DROP FUNCTION IF EXISTS</c> of the old signature.
/// </summary>
public static class SqlFunctions
{
    public static IEnumerable<(string Name, string Sql)> All()
    {
        var assembly = typeof(SqlFunctions).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order())
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (resource, reader.ReadToEnd());
        }
    }

    /// <summary>Applies every function, in one database transaction: all of them or none; a failure names its file.</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, ILogger logger)
    {
        var functions = All().ToList();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var (name, sql) in functions)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            try
            {
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"Could not apply {name}: {e.MessageText}", e);
            }
        }

        await transaction.CommitAsync();
        logger.LogDebug("Applied {Count} SQL functions", functions.Count);
    }
}
