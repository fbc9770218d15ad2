using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Settlements;

/// <summary>The batches terminals closed (account key); the terminals report them over the hub (ReportSettlement).</summary>
public static class SettlementsApi
{
    public static IServiceCollection AddSettlements(this IServiceCollection services) => services.AddScoped<SettlementService>();

    public static RouteGroupBuilder MapSettlements(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Settlements").RequireAuthorization(AuthenticationSetup.Account)
            .ProducesProblems(401);
        group.MapGet("/settlements", List).ProducesProblems(400).WithSummary("Settlements, the newest closed first")
            .WithDescription("Filters: terminalId, from and to (on closedAt). Paged with limit (≤ 200) and cursor. Each is also a " +
                             "settlement.reported event.");
        group.MapGet("/settlements/{id:guid}", Get).ProducesProblems(404).WithSummary("Get a settlement");
        return group;
    }

    private static async Task<Results<Ok<Page<SettlementResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, RelayDbContext db, Guid? terminalId, DateTimeOffset? from, DateTimeOffset? to, int? limit, string? cursor,
        CancellationToken ct)
    {
        if (!Paging.TryRead(limit, cursor, out var size, out var after, out var errors)) return Problems.Validation(errors);
        if (from > to) return Problems.Validation("from", "from must not be after to.");
        var accountId = user.GetAccountId();
        var query = db.Settlements.AsNoTracking().Where(s => s.AccountId == accountId);
        if (terminalId is not null) query = query.Where(s => s.TerminalId == terminalId);
        // Npgsql writes only UTC offsets to timestamptz: a store's offset (+13:00) is converted, not refused with a 500.
        if (from?.ToUniversalTime() is { } since) query = query.Where(s => s.ClosedAt >= since);
        if (to?.ToUniversalTime() is { } until) query = query.Where(s => s.ClosedAt < until);
        if (Paging.TryGuid(after, out var afterId)) query = query.Where(s => s.Id < afterId);
        var rows = await query.OrderByDescending(s => s.Id).Take(size + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.Build(rows, size, s => s.Id.ToString(), SettlementResponse.From));
    }

    private static async Task<Results<Ok<SettlementResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, RelayDbContext db, CancellationToken ct)
    {
        var accountId = user.GetAccountId();
        var settlement = await db.Settlements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.AccountId == accountId, ct);
        return settlement is null ? Problems.NotFound("settlement") : TypedResults.Ok(SettlementResponse.From(settlement));
    }
}
