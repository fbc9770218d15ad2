using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Security;
using Relay.Api.Transactions;

namespace Relay.Api.Terminals;

/// <summary>The merchant's terminals (account key): create, list, inspect, re-issue activation codes, remove.</summary>
public static class TerminalsApi
{
    public static IServiceCollection AddTerminals(this IServiceCollection services) => services
        .AddScoped<TerminalMessages>()
        .AddScoped<TerminalRemoval>()
        .AddPerMinuteLimit(ActivationApi.RateLimitPolicy, http => "ip:" + http.Connection.RemoteIpAddress, l => l.ActivationsPerMinute);

    public static RouteGroupBuilder MapTerminals(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/terminals").WithTags("Terminals").RequireAuthorization(AuthenticationSetup.Account)
            .ProducesProblems(401);

        group.MapPost("/", Create).ProducesProblems(400).WithSummary("Create a terminal")
            .WithDescription("Returns a single-use activation code to enter on the device.");
        group.MapGet("/", List).ProducesProblems(400).WithSummary("List terminals")
            .WithDescription("Filters: storeId, status (created|activated|removed), online (true|false).");
        group.MapGet("/{id:guid}", Get).ProducesProblems(404).WithSummary("Get a terminal, with its liveness and registers");
        group.MapPost("/{id:guid}/activation-code", NewActivationCode).ProducesProblems(404, 409)
            .WithSummary("Issue a new activation code (re-install or device swap)")
            .WithDescription("Activating with it replaces the device: the old device token stops working; " +
                             "the terminal id and its pairings stay.");
        group.MapDelete("/{id:guid}", Remove).ProducesProblems(404, 409).WithSummary("Remove a terminal")
            .WithDescription("Revokes its token, ends its pairings, closes its connection and cancels its pending transactions. " +
                             "409 terminal-busy while it has a delivered or in-progress transaction.");
        return group;
    }

    private static async Task<Results<Created<CreatedTerminalResponse>, ProblemHttpResult>> Create(
        CreateTerminalRequest request, ClaimsPrincipal user, RelayDbContext db, TimeProvider clock, IOptions<RelayOptions> options,
        ILogger<Terminal> logger)
    {
        var errors = new ValidationErrors();
        errors.Text("label", request.Label, 100);
        errors.Text("storeId", request.StoreId, 100);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = clock.Now();
        var code = Secrets.NewActivationCode();
        var terminal = new Terminal
        {
            Id = Guid.CreateVersion7(),
            AccountId = user.GetAccountId(),
            Label = request.Label?.Trim(),
            StoreId = request.StoreId?.Trim(),
            Status = TerminalStatus.Created,
            CreatedAt = now,
            ActivationCodeHash = Secrets.Hash(Secrets.NormalizeCode(code)),
            ActivationCodeExpiresAt = now + options.Value.ActivationCodeLifetime,
        };
        db.Terminals.Add(terminal);
        await db.SaveChangesAsync();
        logger.LogInformation("Terminal {TerminalId} created in account {AccountId}", terminal.Id, terminal.AccountId);
        return TypedResults.Created($"/api/v1/terminals/{terminal.Id}", new CreatedTerminalResponse(
            terminal.Id, terminal.Label, terminal.StoreId, terminal.Status,
            code, terminal.ActivationCodeExpiresAt.Value, terminal.CreatedAt));
    }

    private static async Task<Results<Ok<Page<TerminalResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, RelayDbContext db, TimeProvider clock,
        string? storeId, string? status, bool? online, int? limit, string? cursor)
    {
        if (!Paging.TryRead(limit, cursor, out var size, out var after, out var errors))
        {
            return Problems.Validation(errors);
        }

        TerminalStatus parsed = default;
        if (status is not null && !WireEnum<TerminalStatus>.TryParse(status, out parsed))
        {
            return Problems.Validation("status", $"status must be one of: {WireEnum<TerminalStatus>.AllNames}.");
        }

        var accountId = user.GetAccountId();
        var query = db.Terminals.AsNoTracking().Where(t => t.AccountId == accountId);
        if (storeId is not null) query = query.Where(t => t.StoreId == storeId);
        if (status is not null) query = query.Where(t => t.Status == parsed);
        if (online is not null) query = query.Where(t => (t.ConnectionId != null) == online);
        if (Paging.TryGuid(after, out var afterId)) query = query.Where(t => t.Id > afterId);

        var rows = await query.OrderBy(t => t.Id).Take(size + 1).ToListAsync();
        var ids = rows.Select(t => t.Id).ToList();
        var registers = (await db.Pairings.Where(p => ids.Contains(p.TerminalId)).OrderBy(p => p.RegisterId)
                .Select(p => new { p.TerminalId, p.RegisterId }).ToListAsync())
            .ToLookup(p => p.TerminalId, p => p.RegisterId);
        return TypedResults.Ok(Paging.Build(rows, size, t => t.Id.ToString(), t => t.ToResponse(registers[t.Id].ToList(), clock.Now())));
    }

    private static async Task<Results<Ok<TerminalResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, RelayDbContext db, TimeProvider clock)
    {
        var accountId = user.GetAccountId();
        var terminal = await db.Terminals.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && t.AccountId == accountId);
        if (terminal is null)
        {
            return Problems.NotFound("terminal");
        }

        var registers = await db.Pairings.Where(p => p.TerminalId == id).OrderBy(p => p.RegisterId).Select(p => p.RegisterId).ToListAsync();
        return TypedResults.Ok(terminal.ToResponse(registers, clock.Now()));
    }

    private static async Task<Results<Created<ActivationCodeResponse>, ProblemHttpResult>> NewActivationCode(
        Guid id, ClaimsPrincipal user, RelayDbContext db, TimeProvider clock, IOptions<RelayOptions> options, ILogger<Terminal> logger)
    {
        var accountId = user.GetAccountId();
        var code = Secrets.NewActivationCode();
        var expiresAt = clock.Now() + options.Value.ActivationCodeLifetime;
        var hash = Secrets.Hash(Secrets.NormalizeCode(code));
        var updated = await db.Terminals
            .Where(t => t.Id == id && t.AccountId == accountId && t.Status != TerminalStatus.Removed)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ActivationCodeHash, hash).SetProperty(t => t.ActivationCodeExpiresAt, expiresAt));
        if (updated == 0)
        {
            return await db.Terminals.AnyAsync(t => t.Id == id && t.AccountId == accountId)
                ? Problems.Of(409, "terminal-removed", "The terminal was removed")
                : Problems.NotFound("terminal");
        }

        logger.LogInformation("New activation code issued for terminal {TerminalId}", id);
        return TypedResults.Created($"/api/v1/terminals/{id}", new ActivationCodeResponse(code, expiresAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(Guid id, ClaimsPrincipal user, TerminalRemoval removal) =>
        await removal.RemoveAsync(user.GetAccountId(), id) switch
        {
            TerminalRemoval.Outcome.Removed or TerminalRemoval.Outcome.RemovedBefore => TypedResults.NoContent(),
            TerminalRemoval.Outcome.NotFound => Problems.NotFound("terminal"),
            _ => Problems.Of(409, "terminal-busy", "The terminal has a transaction in progress",
                "Wait for its result, or cancel it, before removing the terminal."),
        };
}
