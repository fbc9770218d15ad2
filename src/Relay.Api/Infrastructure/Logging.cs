using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace Relay.Api.Infrastructure;

public static class Logging
{
    /// <summary>Serilog to the console: readable text, or one JSON object per line with <c>Relay:LogFormat=json</c>.</summary>
    public static WebApplicationBuilder AddRelayLogging(this WebApplicationBuilder builder)
    {
        var json = builder.Configuration["Relay:LogFormat"] == "json";
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.With(new TraceSuffix(json))
            .Filter.ByExcluding(Hubs.HubErrors.IsDispatcherCopy)
            // Written by a thread of its own, off the requests' and the hub's path (StandardOutputSink).
            .WriteTo.Sink(new StandardOutputSink(json
                ? new JsonFormatter(renderMessage: true)
                : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{TraceSuffix}{NewLine}{Exception}")))
            .CreateLogger();
        // A provider of the framework's logging (beside any other a test adds), and this host's own logger: several hosts
        // share a test process, so nothing goes through Serilog's static one.
        builder.Logging.ClearProviders().AddSerilog(logger, dispose: true);
        builder.Services.AddSingleton<Serilog.ILogger>(logger);
        builder.Services.AddSingleton(new Serilog.Extensions.Hosting.DiagnosticContext(logger));
        builder.Services.AddSingleton<IDiagnosticContext>(s => s.GetRequiredService<Serilog.Extensions.Hosting.DiagnosticContext>());
        return builder;
    }

    /// <summary>One line per request (Serilog's request logging): method, path, status and duration; health probes and scrapes
    /// at Debug.</summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) => app.UseSerilogRequestLogging(o =>
    {
        o.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
        o.MessageTemplate = "{RequestMethod} {RequestPath} → {StatusCode} in {Elapsed:0.0} ms";
        o.GetLevel = (context, _, exception) => exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
            : context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics")
                ? LogEventLevel.Debug
            : LogEventLevel.Information;
    });

    /// <summary>
    /// Ends each text line with the W3C trace id it was logged in, if any (a request's, a hub call's, a span's): what to
    /// search a tracing backend for. JSON lines carry it as Serilog's own <c>TraceId</c> and <c>SpanId</c>.
    /// </summary>
    private sealed class TraceSuffix(bool json) : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            if (!json && logEvent.TraceId is { } trace)
            {
                logEvent.AddPropertyIfAbsent(new LogEventProperty("TraceSuffix", new ScalarValue(new TraceText(trace))));
            }
        }
    }

    /// <summary>Rendered without quotes, as a scalar of a type that is not a string.</summary>
    private sealed record TraceText(System.Diagnostics.ActivityTraceId Trace)
    {
        public override string ToString() => $" · trace {Trace}";
    }
}
