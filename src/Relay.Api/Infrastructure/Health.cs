using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.Api.Data;

namespace Relay.Api.Infrastructure;

public static class Health
{
    public static IServiceCollection AddRelayHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<RelayDbContext>("database", tags: ["ready"])
            .AddCheck<MigrationsApplied>("migrations", tags: ["ready"])
            .AddCheck<Cluster.Draining.Check>("accepting-work", tags: ["ready"]);
        return services;
    }

    /// <summary><c>/health/live</c>: the process is up. <c>/health/ready</c>: PostgreSQL answers, the schema is current and the instance is
    /// not stopping.</summary>
    public static void MapRelayHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithTags("Health");
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).WithTags("Health");
    }

    private sealed class MigrationsApplied(RelayDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Pending migrations: {string.Join(", ", pending)}");
        }
    }
}
