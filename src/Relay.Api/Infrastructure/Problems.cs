using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Relay.Api.Infrastructure;

/// <summary>RFC 9457 problem details with the stable <c>code</c> member every error of the API carries.</summary>
public static class Problems
{
    /// <summary>Problem details for every error, with a code, whatever the request accepts; the exception handler's mapping.</summary>
    public static IServiceCollection AddRelayProblems(this IServiceCollection services) => services
        .AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("code", DefaultCode(c.ProblemDetails.Status)))
        .AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>() // after the framework's: answers whatever Accept it declines
        .AddExceptionHandler<ExceptionToProblem>()
        .Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // binding failures reach ExceptionToProblem

    public static ProblemHttpResult Of(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = { ["code"] = code } });

    public static ProblemHttpResult NotFound(string what) =>
        Of(StatusCodes.Status404NotFound, "not-found", "Not found", $"No {what} with that id exists in this account.");

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) => TypedResults.Problem(ValidationDetails(errors));

    public static HttpValidationProblemDetails ValidationDetails(IDictionary<string, string[]> errors) => new(errors)
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The request is not valid",
        Extensions = { ["code"] = "validation-failed" },
    };

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ValueTask Write(HttpContext context, int status, string code, string title, string? detail = null) =>
        Write(context, new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = { ["code"] = code } });

    /// <summary>Writes a problem outside an endpoint (middleware, authentication, the exception handler), whatever the request
    /// accepts.</summary>
    public static ValueTask Write(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
        });
    }

    /// <summary>The code of a problem that was written without one (framework 404s, 405s and the like).</summary>
    public static string DefaultCode(int? status) => status switch
    {
        400 => "validation-failed",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        406 => "not-acceptable",
        409 => "conflict",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        429 => "rate-limited",
        503 => "service-unavailable",
        _ => "internal-error",
    };

    /// <summary>Every code the API answers with, for the OpenAPI description.</summary>
    public static readonly (int Status, string Code, string Meaning)[] Catalog =
    [
        (400, "validation-failed", "The body or query is malformed or breaks a rule; `errors` maps fields to messages."),
        (400, "idempotency-key-missing", "POST /transactions needs an Idempotency-Key header (1–255 characters)."),
        (400, "activation-code-invalid", "The activation code is unknown, used or expired."),
        (400, "pairing-code-invalid", "The pairing code is unknown, used, expired or from another account."),
        (401, "unauthenticated", "Missing or wrong credentials."),
        (404, "not-found", "No such resource in this account (another account's ids answer the same)."),
        (404, "register-not-paired", "The register has no terminal paired with it."),
        (409, "terminal-busy", "The terminal has a transaction that is not final yet; it serves one at a time."),
        (409, "terminal-removed", "The terminal was removed."),
        (409, "terminal-offline", "The terminal holds no connection now (terminal actions; send queueIfOffline to wait for it)."),
        (409, "terminal-not-activated", "The terminal was never activated; give it its activation code first."),
        (409, "transaction-final", "The transaction is already final."),
        (409, "input-answered", "The terminal's question was answered already; the first answer stands."),
        (409, "input-expired", "The terminal's question timed out before the answer came; the terminal took its timeout path."),
        (409, "transaction-not-stranded", "Only a transaction left open by a replaced device can be resolved by an operator."),
        (413, "payload-too-large", "The request body is larger than the relay accepts."),
        (415, "unsupported-media-type", "Send JSON with 'Content-Type: application/json' (UTF-8; no other charset)."),
        (422, "idempotency-key-reused", "The Idempotency-Key was used before with a different body."),
        (429, "rate-limited", "Too many attempts; wait for the number of seconds in Retry-After."),
        (500, "internal-error", "An unexpected error; it is logged with the traceId."),
        (503, "database-unavailable", "PostgreSQL cannot be reached; retry after Retry-After seconds."),
        (503, "instance-stopping", "This relay instance is stopping; connect again and another instance takes the connection."),
    ];
}
