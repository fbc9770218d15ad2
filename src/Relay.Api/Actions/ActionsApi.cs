using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Security;
using Relay.Api.Transactions;

namespace Relay.Api.Actions;

/// <summary>POS-driven terminal actions (account key): the terminal's screen, questions, printer and a ping.</summary>
public static class ActionsApi
{
    public static IServiceCollection AddActions(this IServiceCollection services) => services
        .AddSingleton<ActionWaiters>()
        .AddScoped<ActionStateMachine>()
        .AddScoped<ActionService>()
        .AddHousekeeping("ended terminal actions", (db, options, now, ct) =>
            db.TerminalActions.Where(a => a.CompletedAt < now - options.Events.Retention).ExecuteDeleteAsync(ct));

    public static RouteGroupBuilder MapActions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Terminal actions").RequireAuthorization(AuthenticationSetup.Account)
            .ProducesProblems(401);
        group.MapPost("/terminals/{id:guid}/actions", Create).ProducesProblems(400, 404, 409, 422)
            .WithSummary("Ask the terminal to show, ask, print or answer a ping")
            .WithDescription("""
                `display` (a cart or a message; stays until replaced), `clear_display`, `collect_inputs` (up to five questions in
                order: confirm, text, number, email, phone, selection, signature), `print` (a text or a QR code), `show_qr`, `ping`.
                Requires `Idempotency-Key` as transactions do (same key and body: 200 with `Idempotent-Replayed: true`; another
                body: 422). `Prefer: wait=N` holds the answer until the action ends. While the terminal has a transaction that is
                not final: 409 terminal-busy, except for display, clear_display and ping. An offline terminal: 409 terminal-offline,
                unless `queueIfOffline`; an undelivered action expires after `expiresInSeconds` (default 30).
                """);
        group.MapGet("/terminal-actions/{id:guid}", Get).ProducesProblems(404).WithSummary("Get a terminal action")
            .WithDescription("Honours `Prefer: wait=N`: holds the answer until the action ends or N seconds pass.");
        group.MapGet("/terminals/{id:guid}/actions", List).ProducesProblems(400, 404).WithSummary("A terminal's actions, newest first")
            .WithDescription("Filter: status. Paged with limit (≤ 200) and cursor.");
        group.MapPost("/terminal-actions/{id:guid}/cancel", Cancel).ProducesProblems(404).WithSummary("Cancel a terminal action")
            .WithDescription("A pending action ends cancelled at once; a delivered one is cancelled on the terminal, which answers " +
                             "(the action ends as it says). An action that ended stays as it ended.");
        return group;
    }

    private static async Task<Results<Created<TerminalActionResponse>, Ok<TerminalActionResponse>, ProblemHttpResult>> Create(
        Guid id, CreateActionRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        [FromHeader(Name = "Prefer")] string? prefer, ClaimsPrincipal user, HttpContext http, ActionService actions, CancellationToken ct)
    {
        if (!IdempotencyKeyHeader.IsUsable(idempotencyKey, "action", out var keyProblem)) return keyProblem;

        var errors = ActionValidation.Validate(request);
        if (errors.Any) return errors.ToProblem();

        var answer = await actions.CreateAsync(user.GetAccountId(), id, idempotencyKey, request, PreferWait.Parse(prefer), ct);
        if (answer.Refusal is { } refusal) return Problem(refusal);
        if (answer.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Ok(answer.Action!);
        }

        return TypedResults.Created($"/api/v1/terminal-actions/{answer.Action!.Id}", answer.Action);
    }

    private static async Task<Results<Ok<TerminalActionResponse>, ProblemHttpResult>> Get(
        Guid id, [FromHeader(Name = "Prefer")] string? prefer, ClaimsPrincipal user, ActionService actions, CancellationToken ct)
    {
        var accountId = user.GetAccountId();
        var action = PreferWait.Parse(prefer) is { } wait
            ? await actions.WaitAsync(accountId, id, wait, ct)
            : await actions.LoadAsync(accountId, id, ct);
        return action is null ? Problems.NotFound("terminal action") : TypedResults.Ok(action);
    }

    private static async Task<Results<Ok<Page<TerminalActionResponse>>, ProblemHttpResult>> List(
        Guid id, ClaimsPrincipal user, RelayDbContext db, string? status, int? limit, string? cursor, CancellationToken ct)
    {
        if (!Paging.TryRead(limit, cursor, out var size, out var after, out var errors)) return Problems.Validation(errors);
        ActionStatus parsed = default;
        if (status is not null && !WireEnum<ActionStatus>.TryParse(status, out parsed))
            return Problems.Validation("status", $"status must be one of: {WireEnum<ActionStatus>.AllNames}.");

        var accountId = user.GetAccountId();
        if (!await db.Terminals.AnyAsync(t => t.Id == id && t.AccountId == accountId, ct)) return Problems.NotFound("terminal");
        var query = db.TerminalActions.AsNoTracking().Where(a => a.TerminalId == id);
        if (status is not null) query = query.Where(a => a.Status == parsed);
        if (Paging.TryGuid(after, out var afterId)) query = query.Where(a => a.Id < afterId);
        var rows = await query.OrderByDescending(a => a.Id).Take(size + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.Build(rows, size, a => a.Id.ToString(), a => a.ToResponse()));
    }

    private static async Task<Results<Accepted<TerminalActionResponse>, ProblemHttpResult>> Cancel(
        Guid id, ClaimsPrincipal user, ActionService actions)
    {
        var action = await actions.CancelAsync(user.GetAccountId(), id);
        return action is null ? Problems.NotFound("terminal action") : TypedResults.Accepted($"/api/v1/terminal-actions/{id}", action);
    }

    private static ProblemHttpResult Problem(ActionRefusal refusal) => refusal switch
    {
        ActionRefusal.TerminalNotFound => Problems.NotFound("terminal"),
        ActionRefusal.TerminalRemoved => Problems.Of(409, "terminal-removed", "The terminal was removed"),
        ActionRefusal.TerminalNotActivated => Problems.Of(409, "terminal-not-activated", "The terminal was never activated",
            "Give the terminal its activation code first."),
        ActionRefusal.TerminalBusy => Problems.Of(409, "terminal-busy", "The terminal is busy",
            "It has a transaction that is not final yet; only display, clear_display and ping may reach it meanwhile."),
        ActionRefusal.TerminalOffline => Problems.Of(409, "terminal-offline", "The terminal is offline",
            "It holds no connection to the relay now. Send queueIfOffline: true to have the action wait for it (until it expires)."),
        ActionRefusal.IdempotencyKeyReused => Problems.Of(422, "idempotency-key-reused",
            "The Idempotency-Key was used with a different request",
            "Use a new key for a new action; resend the identical body to get the original one."),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };
}
