using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Relay.Api.Infrastructure;

/// <summary>Maps the few exceptions a request can end in to problem details; nothing leaks a stack trace.</summary>
public sealed partial class ExceptionToProblem(ILogger<ExceptionToProblem> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            // A stream that had begun (SSE) cannot turn into a problem; the client sees the connection end and reconnects.
            logger.LogWarning(exception, "Error after the response to {Method} {Path} had started",
                context.Request.Method, context.Request.Path);
            return true;
        }

        try
        {
            return await HandleAsync(context, exception);
        }
        catch (Exception failure) when (!context.Response.HasStarted)
        {
            // Writing the problem failed (it must not: ProblemJsonWriter answers any Accept). The client still gets a status and a body.
            logger.LogError(failure, "Could not write the problem for {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.Clear();
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync(
                """{"status":500,"title":"An unexpected error occurred","code":"internal-error"}""", CancellationToken.None);
            return true;
        }
    }

    private async ValueTask<bool> HandleAsync(HttpContext context, Exception exception)
    {
        switch (exception)
        {
            case BadHttpRequestException { InnerException: JsonException json }:
                await WriteValidation(context, FieldOf(json.Path), "This value is missing, malformed or of the wrong type.");
                return true;
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                await Problems.Write(context, 413, "payload-too-large", "The request body is too large");
                return true;
            case BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType }:
                await Problems.Write(context, 415, "unsupported-media-type", "Send JSON with 'Content-Type: application/json'");
                return true;
            case BadHttpRequestException bad when BindFailure().Match(bad.Message) is { Success: true } failure:
                await WriteValidation(context, failure.Groups["name"].Value,
                    $"'{failure.Groups["value"].Value}' is not a valid value for {failure.Groups["name"].Value}.");
                return true;
            case BadHttpRequestException bad:
                await WriteValidation(context, "body", bad.Message);
                return true;
            case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or "22P05" }:
                // Text PostgreSQL cannot store (a NUL in a query string or route): bad input, not a server fault.
                await WriteValidation(context, "request", "The request contains characters that are not allowed (such as NUL).");
                return true;
            case var e when IsDatabaseUnavailable(e):
                logger.LogError(e, "Database unavailable while serving {Method} {Path}", context.Request.Method, context.Request.Path);
                context.Response.Headers.RetryAfter = "5";
                await Problems.Write(context, 503, "database-unavailable", "The database is unavailable",
                    "Retry after the number of seconds in Retry-After.");
                return true;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return true;
            default:
                logger.LogError(exception, "Unhandled error serving {Method} {Path}", context.Request.Method, context.Request.Path);
                await Problems.Write(context, 500, "internal-error", "An unexpected error occurred",
                    "It has been logged with this problem's traceId.");
                return true;
        }
    }

    private static ValueTask WriteValidation(HttpContext context, string field, string message) =>
        Problems.Write(context, Problems.ValidationDetails(new Dictionary<string, string[]> { [field] = [message] }));

    // Minimal APIs say: Failed to bind parameter "Nullable<int> limit" from "abc".
    [GeneratedRegex("parameter \"(?:[^\"]*\\s)?(?<name>[A-Za-z0-9_]+)\" from \"(?<value>[^\"]*)\"")]
    private static partial Regex BindFailure();

    // "$.result.amount" → "result.amount"; a body that is not JSON at all has no useful path.
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');

    public static bool IsDatabaseUnavailable(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException or IOException } => true,
        // A multi-host connection string with no primary among its hosts (a failover under way): "No suitable host was
        // found", with the hosts' errors, or none when they are remembered as down or standby (Host Recheck Seconds).
        NpgsqlException { InnerException: AggregateException or null } and not PostgresException => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" } => true,
        InvalidOperationException { InnerException: { } inner } => IsDatabaseUnavailable(inner),
        Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: { } inner } => IsDatabaseUnavailable(inner),
        _ => false,
    };
}
