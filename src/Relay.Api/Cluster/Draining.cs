using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.Api.Infrastructure;

namespace Relay.Api.Cluster;

/// <summary>
/// While this instance stops: readiness fails (load balancers send new work elsewhere) and new terminal connections
/// are refused with 503, so terminals whose sockets were closed reconnect to another instance.
/// </summary>
public static class Draining
{
    public static IApplicationBuilder UseDraining(this IApplicationBuilder app, PathString hubPath)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use((context, next) =>
        {
            if (stopping.IsCancellationRequested && context.Request.Path.StartsWithSegments(hubPath))
            {
                context.Response.Headers.RetryAfter = "1";
                return Problems.Write(context, StatusCodes.Status503ServiceUnavailable, "instance-stopping", "This instance is stopping",
                    "Connect again: another instance takes the connection.").AsTask();
            }

            return next(context);
        });
    }

    public sealed class Check(IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
                ? HealthCheckResult.Unhealthy("This instance is stopping.")
                : HealthCheckResult.Healthy());
    }
}
