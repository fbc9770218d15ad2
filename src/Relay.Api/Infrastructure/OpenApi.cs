using System.Reflection;
using System.Text;
using Microsoft.OpenApi;

namespace Relay.Api.Infrastructure;

/// <summary>Swagger UI at /swagger over the OpenAPI document at /openapi/v1.json.</summary>
public static class OpenApi
{
    public static IServiceCollection AddRelayOpenApi(this IServiceCollection services) => services
        .AddEndpointsApiExplorer()
        .AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo { Title = "Relay API", Version = "v1", Description = Description() });
            o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An account API key (rk_…) for merchant endpoints, or the operator's admin key for Admin endpoints.",
            });
            o.AddSecurityRequirement(document =>
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            o.IncludeXmlComments(Path.Combine(AppContext.BaseDirectory, $"{Assembly.GetExecutingAssembly().GetName().Name}.xml"),
                includeControllerXmlComments: false);
            o.SupportNonNullableReferenceTypes();
        });

    public static WebApplication UseRelayOpenApi(this WebApplication app)
    {
        app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "Relay API v1");
            o.RoutePrefix = "swagger";
            o.DocumentTitle = "Relay API";
        });
        return app;
    }

    private static string Description()
    {
        var text = new StringBuilder("""
            A cloud relay between point-of-sale software and card-payment terminals. The POS calls this API; the relay stores
            each request in PostgreSQL and forwards it over SignalR (`/hubs/terminal`) to the terminal paired with the register.

            Conventions: JSON with camelCase names and snake_case enum values; money in integer minor units with an ISO 4217
            currency; times in ISO 8601 UTC; lists take `limit` (default 50, max 200) and an opaque `cursor` and answer
            `{ items, nextCursor }`. Another account's ids answer 404 exactly like ids that do not exist.

            Operations: `GET /metrics` is Prometheus's text format (OpenTelemetry; the admin key unless
            `Relay:Metrics:AllowAnonymous`), with the relay's `relay_*` series beside ASP.NET Core's, SignalR's, the runtime's
            and Npgsql's. `/dashboard` is a web page for operators (admin key) and merchants (account key), over the
            Dashboard endpoints below. A request's W3C `traceparent` is kept with the transaction it creates and sent to the
            terminal in `StartTransaction`, so one trace follows the payment (exported over OTLP when
            `OTEL_EXPORTER_OTLP_ENDPOINT` is set).

            The terminal hub (`/hubs/terminal`, SignalR JSON over WebSockets, the device token as bearer or `access_token`):
            server → terminal `StartTransaction(transaction)` (with `options` and `traceparent`), `CancelTransaction(id)`,
            `PairingChanged(change)`, `ConfigurationChanged(configuration)` (the fleet configuration: on every connect, before any
            work, and on every change), `InputResponse(transactionId, requestId, value)`, `StartAction(action)` (e.g.
            `{ "id": "…", "type": "collect_inputs", "inputs": [{ "id": "email", "kind": "email", "prompt": "Email?", "required": false }],
            "timeoutSeconds": 60, "expiresAt": "…" }`), `CancelAction(id)`; terminal → server `RequestPairingCode()`,
            `TransactionReceived(id)` → `{ proceed }`, `TransactionStarted(id)`, `CompleteTransaction(result)` → `{ accepted, status }`
            (result with `partial`, `paymentMethod`, `wallet`, `tipAmount`, `amountAuthorised`, `surchargeAmount`), `ActionReceived(id)`
            → `{ proceed }`, `CompleteAction({ actionId, status, result, failureCode, failureMessage })` → `{ accepted, status }`
            (e.g. `{ "actionId": "…", "status": "succeeded", "result": { "inputs": [{ "id": "email", "value": "a@example.com",
            "skipped": false }] } }`), `ReportTransaction({ terminalReference, type, amount, currency, occurredAt, result })` →
            `{ accepted, transactionId }` (a sale the terminal made by itself, once per terminalReference), `ReportSettlement({
            batchId, openedAt, closedAt, totals, receipt })` → `{ accepted, settlementId }` (once per batchId), `Display`, `Print`,
            `RequestInput`, `Notify`. Repeats of a known id are no-ops.

            Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`:

            | status | code | meaning |
            |---|---|---|

            """);
        foreach (var (status, code, meaning) in Problems.Catalog)
        {
            text.AppendLine($"| {status} | `{code}` | {meaning} |");
        }

        return text.ToString();
    }
}

public static class OpenApiProblems
{
    /// <summary>Declares the problem-details responses an endpoint (or every endpoint of a group) can answer with.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new Microsoft.AspNetCore.Http.ProducesResponseTypeMetadata(
                status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        }

        return builder;
    }
}
