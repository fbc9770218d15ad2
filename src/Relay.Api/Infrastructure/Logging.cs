using Serilog;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace Relay.Api.Infrastructure;

public static class Logging
{
    /// <summary>Serilog to the console: readable text, or one JSON object per line with <c>Relay:LogFormat=json</c>.</summary>
    public static WebApplicationBuilder AddRelayLogging(this WebApplicationBuilder builder)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Filter.ByExcluding(Hubs.HubErrors.IsDispatcherCopy);
        // Written by a thread of its own, off the requests' and the hub's path (StandardOutputSink).
        configuration = configuration.WriteTo.Sink(new StandardOutputSink(builder.Configuration["Relay:LogFormat"] == "json"
            ? new JsonFormatter(renderMessage: true)
            : new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}{Exception}")));
        builder.Logging.ClearProviders().AddSerilog(configuration.CreateLogger(), dispose: true);
        return builder;
    }

    /// <summary>One line per request: method, path, status, duration and trace id.</summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Relay.Requests");
        return app.Use(async (context, next) =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                if (!context.Request.Path.StartsWithSegments("/health"))
                {
                    logger.LogInformation("{Method} {Path} → {StatusCode} in {ElapsedMs:0.0} ms (trace {TraceId})",
                        context.Request.Method, context.Request.Path.Value, context.Response.StatusCode,
                        System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.TraceIdentifier);
                }
            }
        });
    }
}
