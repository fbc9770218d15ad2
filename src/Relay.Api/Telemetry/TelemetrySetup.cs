using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Relay.Api.Hubs;
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
    public static IServiceCollection AddRelayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DatabaseGauges>().AddHostedService(s => s.GetRequiredService<DatabaseGauges>());
        var meter = configuration.GetSection("Relay:Metrics").Get<MetricsOptions>()?.Meter ?? new MetricsOptions().Meter;
        services.AddSingleton(s => new RelayMetrics(
            s.GetRequiredService<IMeterFactory>(), meter, s.GetRequiredService<TerminalConnections>(),
            s.GetRequiredService<DatabaseGauges>()));
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] ?? "relay"))
            .WithMetrics(metrics => metrics
                .AddMeter(meter)
                .AddAspNetCoreInstrumentation() // requests, routing, Kestrel's connections, SignalR's connections, rate limiting
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)); // a scrape sees what just happened
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(tracing => tracing
                .AddSource("Microsoft.AspNetCore.SignalR.Server") // each hub call, continuing the terminal's span
                .AddAspNetCoreInstrumentation(o => o.Filter = Traced)
                .AddNpgsql()
                .AddOtlpExporter());
        }
        else
        {
            services.AddHostedService<TraceContinuation>();
        }

        return services;
    }

    /// <summary>
    /// Requests worth a span: not probes and scrapes, and not the connections that last hours (a terminal's WebSocket, whose
    /// calls have spans of their own; an event stream).
    /// </summary>
    private static bool Traced(HttpContext http) =>
        !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics")
        && !http.Request.Path.StartsWithSegments("/hubs")
        && !http.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);

    public static IEndpointConventionBuilder MapRelayMetrics(this IEndpointRouteBuilder routes)
    {
        var endpoint = routes.MapPrometheusScrapingEndpoint("/metrics");
        return routes.ServiceProvider.GetRequiredService<IOptions<RelayOptions>>().Value.Metrics.AllowAnonymous
            ? endpoint.AllowAnonymous()
            : endpoint.RequireAuthorization(AuthenticationSetup.Admin);
    }
}
