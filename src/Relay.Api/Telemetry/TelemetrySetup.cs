using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Relay.Api.Security;

namespace Relay.Api.Telemetry;

/// <summary>
/// OpenTelemetry: metrics at <c>GET /metrics</c> (Prometheus text; admin key unless <c>Relay:Metrics:AllowAnonymous</c>), and
/// traces exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the standard
/// <c>OTEL_*</c> variables). Without an endpoint nothing is recorded, yet a POS request's <c>traceparent</c> still travels
/// with its transaction to the terminal and back (<see cref="TraceContinuation"/>), and log lines carry its trace id.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The relay's own spans (hub calls about a transaction).</summary>
    public static readonly ActivitySource Source = new("Relay");

    public static IServiceCollection AddRelayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DatabaseGauges>().AddHostedService(s => s.GetRequiredService<DatabaseGauges>());
        services.AddSingleton<RelayMetrics>();
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "relay"))
            .WithMetrics(metrics => metrics
                .AddMeter(configuration.GetSection("Relay:Metrics").Get<MetricsOptions>()?.Meter ?? new MetricsOptions().Meter)
                .AddAspNetCoreInstrumentation() // requests, Kestrel's connections, SignalR's connections, rate limiting
                .AddMeter("Microsoft.AspNetCore.Http.Connections")
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)); // a scrape sees what just happened
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(tracing => tracing
                .AddSource(Source.Name, "Microsoft.AspNetCore.SignalR.Server")
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                .AddNpgsql()
                .AddOtlpExporter());
        }
        else
        {
            services.AddHostedService<TraceContinuation>();
        }

        return services;
    }

    public static IEndpointConventionBuilder MapRelayMetrics(this IEndpointRouteBuilder routes)
    {
        var endpoint = routes.MapPrometheusScrapingEndpoint("/metrics");
        return routes.ServiceProvider.GetRequiredService<IOptions<RelayOptions>>().Value.Metrics.AllowAnonymous
            ? endpoint.AllowAnonymous()
            : endpoint.RequireAuthorization(AuthenticationSetup.Admin);
    }
}
