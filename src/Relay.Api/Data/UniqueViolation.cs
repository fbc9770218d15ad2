using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Relay.Api.Data;

public static class UniqueViolation
{
    /// <summary>SaveChanges met a unique index: another writer took the key first (a retry, a race, a reused code).</summary>
    public static bool IsUniqueViolation(this DbUpdateException e) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
