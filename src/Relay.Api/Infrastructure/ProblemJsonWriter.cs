using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Relay.Api.Infrastructure;

/// <summary>
/// Writes problem details as <c>application/problem+json</c> whatever the request's <c>Accept</c> says. The framework's
/// writer declines a request that accepts no JSON (a browser's <c>EventSource</c> sends <c>text/event-stream</c>, a
/// browser <c>text/html</c>), which left such a client an empty 500 for a 401 or 400. Registered after it, so it only
/// answers what that writer declines, with the same shape.
/// </summary>
public sealed class ProblemJsonWriter(
    IOptions<ProblemDetailsOptions> problemOptions, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> jsonOptions)
    : IProblemDetailsWriter
{
    // The framework's own types for these statuses, so both writers answer alike.
    private static readonly Dictionary<int, string> Rfc9110Sections = new()
    {
        [400] = "15.5.1", [401] = "15.5.2", [403] = "15.5.4", [404] = "15.5.5", [405] = "15.5.6", [406] = "15.5.7", [408] = "15.5.9",
        [409] = "15.5.10", [412] = "15.5.13", [413] = "15.5.14", [415] = "15.5.16", [422] = "15.5.21", [500] = "15.6.1", [503] = "15.6.4",
    };

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Type ??= Rfc9110Sections.TryGetValue(problem.Status.Value, out var section)
            ? "https://tools.ietf.org/html/rfc9110#section-" + section
            : null;
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(http.Response.WriteAsJsonAsync(
            problem, problem.GetType(), jsonOptions.Value.SerializerOptions, contentType: "application/problem+json"));
    }
}
