using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Security;
using Relay.Api.Transactions;

namespace Relay.Api.Reports;

/// <summary>Figures over the account's transactions (account key), for the merchant's end-of-day reconciliation.</summary>
public static class ReportsApi
{
    /// <summary>The longest period one request may sum: a year and a bit, so a yearly total fits, and no more work than that.</summary>
    public static readonly TimeSpan LongestPeriod = TimeSpan.FromDays(400);

    public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/reports").WithTags("Reports").RequireAuthorization(AuthenticationSetup.Account)
            .ProducesProblems(401);
        group.MapGet("/totals", Totals).ProducesProblems(400).WithSummary("Counts and sums of final transactions, for reconciliation")
            .WithDescription("""
                Per type, status and currency, over the transactions that became final (completedAt) from `from` (inclusive) to
                `to` (exclusive), both required, at most 400 days apart: ISO 8601, e.g. `2026-12-02T00:00:00+13:00` (the `+`
                encoded as `%2B`; without an offset, UTC), since the relay does not know the store's business day. Optional
                filters: terminalId, registerId, storeId (the terminal's), origin (pos or terminal; both when left out). Amounts
                are integer minor units. An id of another account matches nothing.
                """);
        return group;
    }

    private static async Task<Results<Ok<TotalsResponse>, ProblemHttpResult>> Totals(
        ClaimsPrincipal user, RelayDbContext db, DateTimeOffset? from, DateTimeOffset? to, Guid? terminalId, string? registerId,
        string? storeId, string? origin, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (from is null) errors.Add("from", "from is required: the start of the period, such as 2026-12-02T00:00:00Z.");
        if (to is null) errors.Add("to", "to is required: the end of the period (exclusive), such as 2026-12-03T00:00:00Z.");
        if (from > to) errors.Add("from", "from must not be after to.");
        else if (to - from > LongestPeriod) errors.Add("to", $"The period must not be longer than {LongestPeriod.TotalDays} days.");
        errors.Text("registerId", registerId, 100);
        errors.Text("storeId", storeId, 100);
        TransactionOrigin madeBy = default;
        if (origin is not null && !WireEnum<TransactionOrigin>.TryParse(origin, out madeBy))
            errors.Add("origin", $"origin must be one of: {WireEnum<TransactionOrigin>.AllNames}.");
        if (errors.Any) return errors.ToProblem();

        var query = new TotalsQuery(user.GetAccountId(), from!.Value, to!.Value, terminalId, registerId, storeId,
            origin is null ? null : madeBy);
        var totals = await db.TotalsAsync(query, ct);
        return TypedResults.Ok(new TotalsResponse(query.From, query.To, terminalId, registerId, storeId, query.Origin, totals));
    }
}
