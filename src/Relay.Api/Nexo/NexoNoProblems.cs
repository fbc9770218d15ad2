namespace Relay.Api.Nexo;

/// <summary>
/// nexo clients read nexo messages or an HTTP status, never problem details: every error the pipeline writes on /nexo (401 from
/// authentication, 429 from the rate limiter, 503 while draining or without the database, 413) keeps its status and headers
/// (Retry-After, WWW-Authenticate) and has an empty body. Ahead of every other problem writer.
/// </summary>
public sealed class NexoNoProblems : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments(NexoApi.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context) => ValueTask.CompletedTask;
}
