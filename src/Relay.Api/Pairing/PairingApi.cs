using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Pairing;

/// <summary>Registers (tills) bound to terminals (account key). The terminal shows a code; the cashier types it into the POS.</summary>
public static class PairingApi
{
    public static IServiceCollection AddPairing(this IServiceCollection services) => services
        .AddScoped<PairingService>()
        .AddHousekeeping("expired pairing codes", (db, _, now, ct) => db.PairingCodes.Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(ct))
        .AddPerMinuteLimit(RateLimitPolicy, http => "account:" + http.User.FindFirst(RelayClaims.AccountId)?.Value,
            l => l.PairingsPerMinute);

    public const string RateLimitPolicy = "pairing";

    public static RouteGroupBuilder MapPairing(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Pairing").RequireAuthorization(AuthenticationSetup.Account).ProducesProblems(401);

        group.MapPost("/pairings", Pair).RequireRateLimiting(RateLimitPolicy).ProducesProblems(400, 429)
            .WithSummary("Pair a register with the terminal showing a code")
            .WithDescription("Pairing a register that is already paired moves it: `replacedTerminalId` says which terminal it left. " +
                             "A terminal may serve several registers. " +
                             "Codes are single use, expire after 5 minutes and only work within the terminal's account.");
        group.MapGet("/pairings", List).ProducesProblems(400).WithSummary("List pairings")
            .WithDescription("Filters: terminalId, registerId.");
        group.MapGet("/registers/{registerId}/pairing", Get).ProducesProblems(404).WithSummary("Get a register's pairing");
        group.MapDelete("/registers/{registerId}/pairing", Unpair).ProducesProblems(404).WithSummary("Unpair a register");
        return group;
    }

    private static async Task<Results<Created<CreatedPairingResponse>, ProblemHttpResult>> Pair(
        CreatePairingRequest request, ClaimsPrincipal user, PairingService pairing)
    {
        var errors = new ValidationErrors();
        errors.Text("pairingCode", request.PairingCode, 16, required: true);
        errors.Text("registerId", request.RegisterId, 100, required: true);
        errors.Text("registerName", request.RegisterName, 100);
        errors.Text("storeName", request.StoreName, 100);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var code = new string(request.PairingCode!.Where(char.IsLetterOrDigit).ToArray());
        var paired = await pairing.PairAsync(user.GetAccountId(), code, request.RegisterId!, request.RegisterName, request.StoreName);
        return paired is null
            ? Problems.Of(400, "pairing-code-invalid", "The pairing code is not valid",
                "It is unknown, already used or expired. Ask the terminal for a new one.")
            : TypedResults.Created($"/api/v1/registers/{Uri.EscapeDataString(paired.RegisterId)}/pairing", paired);
    }

    private static async Task<Results<Ok<Page<PairingResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, RelayDbContext db, Guid? terminalId, string? registerId, int? limit, string? cursor)
    {
        if (!Paging.TryRead(limit, cursor, out var size, out var after, out var errors))
        {
            return Problems.Validation(errors);
        }

        var accountId = user.GetAccountId();
        var query = db.Pairings.AsNoTracking().Where(p => p.AccountId == accountId);
        if (terminalId is not null) query = query.Where(p => p.TerminalId == terminalId);
        if (registerId is not null) query = query.Where(p => p.RegisterId == registerId);
        if (after is not null) query = query.Where(p => string.Compare(p.RegisterId, after) > 0);

        var rows = await query.OrderBy(p => p.RegisterId).Take(size + 1).ToListAsync();
        return TypedResults.Ok(Paging.Build(rows, size, p => p.RegisterId, p => p.ToResponse()));
    }

    private static async Task<Results<Ok<PairingResponse>, ProblemHttpResult>> Get(
        string registerId, ClaimsPrincipal user, RelayDbContext db)
    {
        var accountId = user.GetAccountId();
        return await db.Pairings.AsNoTracking()
                .FirstOrDefaultAsync(p => p.AccountId == accountId && p.RegisterId == registerId) is { } pairing
            ? TypedResults.Ok(pairing.ToResponse())
            : NotPaired(registerId);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Unpair(
        string registerId, ClaimsPrincipal user, PairingService pairing) =>
        await pairing.UnpairAsync(user.GetAccountId(), registerId) ? TypedResults.NoContent() : NotPaired(registerId);

    private static ProblemHttpResult NotPaired(string registerId) =>
        Problems.Of(404, "register-not-paired", "The register is not paired", $"Register '{registerId}' has no terminal in this account.");
}
