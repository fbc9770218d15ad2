using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Relay.Api.Accounts;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Infrastructure;
using Relay.Api.Security;
using Relay.Api.Terminals;
using Relay.Api.Transactions;
using Relay.Api.Webhooks;

namespace Relay.Api.Dashboard;

/// <summary>
/// The operators' and merchants' web page at <c>/dashboard</c> (static files, no build step) and the read-only API behind
/// it: the admin key sees every account (or the one asked for with <c>accountId</c>), an account key its own account.
/// </summary>
public static class DashboardApi
{
    public const string Policy = "dashboard";

    /// <summary>An open transaction older than this is shown as stuck.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(2);

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        // One scheme that is the admin key's or the account keys', so a wrong key is answered (challenged) once.
        services.AddAuthentication().AddPolicyScheme(Policy, null, o => o.ForwardDefaultSelector = http =>
        {
            var admin = http.RequestServices.GetRequiredService<IOptionsMonitor<RelayOptions>>().CurrentValue.AdminApiKey;
            var header = http.Request.Headers.Authorization.ToString();
            return !string.IsNullOrEmpty(admin) && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                && Secrets.FixedTimeEquals(header[7..].Trim(), admin)
                ? AuthenticationSetup.Admin
                : AuthenticationSetup.Account;
        });
        return services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(Policy).RequireAuthenticatedUser())
            .Services;
    }

    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        DashboardSite.Map(routes);
        var group = routes.MapGroup("/api/v1/dashboard").WithTags("Dashboard").RequireAuthorization(Policy).ProducesProblems(401, 404);
        group.MapGet("/scope", Scope).WithSummary("Who the key is and the accounts it sees")
            .WithDescription("The dashboard's sign-in: the admin key (role admin, every account) or an account key (role account).");
        group.MapGet("/terminals", Terminals).WithSummary("The fleet: every terminal that is not removed, with its account");
        group.MapGet("/open-transactions", OpenTransactions).WithSummary("Transactions not final yet, oldest first, with the stuck ones")
            .WithDescription("Stuck: not final two minutes after it was created. Each with its age and whether its terminal is online.");
        group.MapGet("/transactions/{id:guid}", TransactionById).WithSummary("One transaction, with its account");
        group.MapGet("/webhooks", Webhooks).WithSummary("Webhook endpoints with their failing deliveries");
        group.MapGet("/activity", Activity).WithSummary("Payments per minute and delivery latency over the last hour");
        group.MapGet("/events", Events).ProducesProblems(400).WithSummary("One account's live events (Server-Sent Events)")
            .WithDescription("""
                As `GET /api/v1/events` with `Accept: text/event-stream`, for the admin key too (`accountId` required then).
                `tail=N` starts with the last N events; `Last-Event-ID` resumes after the event it names.
                """);
        return group;
    }

    private static async Task<Results<Ok<DashboardScopeResponse>, ProblemHttpResult>> Scope(
        ClaimsPrincipal user, RelayDbContext db, CancellationToken ct)
    {
        var viewer = Viewer.Of(user, null);
        var query = db.Accounts.AsNoTracking();
        if (viewer.Account is { } own) query = query.Where(a => a.Id == own);
        var accounts = await query.OrderBy(a => a.Name).ThenBy(a => a.Id).ToListAsync(ct);
        return TypedResults.Ok(new DashboardScopeResponse(
            viewer.Admin ? "admin" : "account", accounts.Select(a => a.ToResponse()).ToList()));
    }

    private static async Task<Results<Ok<DashboardTerminalsResponse>, ProblemHttpResult>> Terminals(
        ClaimsPrincipal user, RelayDbContext db, TimeProvider clock, Guid? accountId, CancellationToken ct)
    {
        if (await Viewer.ResolveAsync(user, accountId, db, ct) is not { } viewer) return Problems.NotFound("account");
        var query = db.Terminals.AsNoTracking().Where(t => t.Status != TerminalStatus.Removed);
        if (viewer.Account is { } account) query = query.Where(t => t.AccountId == account);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(t => t.Label).ThenBy(t => t.Id).Take(500).ToListAsync(ct);
        var ids = rows.Select(t => t.Id).ToList();
        var registers = (await db.Pairings.AsNoTracking().Where(p => ids.Contains(p.TerminalId)).OrderBy(p => p.RegisterId)
            .Select(p => new { p.TerminalId, p.RegisterId }).ToListAsync(ct)).ToLookup(p => p.TerminalId, p => p.RegisterId);
        var names = await db.AccountNamesAsync(rows.Select(t => t.AccountId), ct);
        var now = clock.Now();
        return TypedResults.Ok(new DashboardTerminalsResponse(
            rows.Select(t => new DashboardTerminal(t.AccountId, names[t.AccountId], t.ToResponse(registers[t.Id].ToList(), now))).ToList(),
            total));
    }

    private static async Task<Results<Ok<DashboardOpenTransactionsResponse>, ProblemHttpResult>> OpenTransactions(
        ClaimsPrincipal user, RelayDbContext db, TimeProvider clock, Guid? accountId, CancellationToken ct)
    {
        if (await Viewer.ResolveAsync(user, accountId, db, ct) is not { } viewer) return Problems.NotFound("account");
        var query = db.Transactions.AsNoTracking().Include(t => t.Terminal).Where(t => t.OpenTerminalId != null);
        if (viewer.Account is { } account) query = query.Where(t => t.AccountId == account);
        var rows = await query.OrderBy(t => t.CreatedAt).Take(200).ToListAsync(ct);
        var names = await db.AccountNamesAsync(rows.Select(t => t.AccountId), ct);
        var now = clock.Now();
        return TypedResults.Ok(new DashboardOpenTransactionsResponse((int)StuckAfter.TotalSeconds, rows.Select(t =>
            new DashboardOpenTransaction(t.AccountId, names[t.AccountId], t.Terminal?.Label,
                Math.Round((now - t.CreatedAt).TotalSeconds, 1), now - t.CreatedAt >= StuckAfter,
                t.ToResponse(t.Terminal?.ConnectionId != null))).ToList()));
    }

    private static async Task<Results<Ok<DashboardTransactionResponse>, ProblemHttpResult>> TransactionById(
        Guid id, ClaimsPrincipal user, RelayDbContext db, Guid? accountId, CancellationToken ct)
    {
        if (await Viewer.ResolveAsync(user, accountId, db, ct) is not { } viewer) return Problems.NotFound("account");
        var t = await db.Transactions.AsNoTracking().Include(x => x.Terminal).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (t is null || (viewer.Account is { } account && t.AccountId != account)) return Problems.NotFound("transaction");
        var names = await db.AccountNamesAsync([t.AccountId], ct);
        return TypedResults.Ok(
            new DashboardTransactionResponse(t.AccountId, names[t.AccountId], t.ToResponse(t.Terminal?.ConnectionId != null)));
    }

    private static async Task<Results<Ok<DashboardWebhooksResponse>, ProblemHttpResult>> Webhooks(
        ClaimsPrincipal user, RelayDbContext db, TimeProvider clock, Guid? accountId, CancellationToken ct)
    {
        const int Shown = 50;
        if (await Viewer.ResolveAsync(user, accountId, db, ct) is not { } viewer) return Problems.NotFound("account");
        // Failing: being retried, or given up in the last day; read through the index of the failing deliveries alone.
        var since = clock.Now() - TimeSpan.FromHours(24);
        var failing = db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId != null
            && ((d.Status == "pending" && d.AttemptCount > 0) || (d.Status == "failed" && d.CompletedAt >= since)));
        var endpoints = db.WebhookEndpoints.AsNoTracking();
        if (viewer.Account is { } account)
        {
            failing = failing.Where(d => d.AccountId == account);
            endpoints = endpoints.Where(e => e.AccountId == account);
        }

        // The failing endpoints first, most failures first; then the newest others.
        var counts = await failing.GroupBy(d => d.EndpointId!.Value).Select(g => new { Id = g.Key, Count = g.Count() })
            .OrderByDescending(g => g.Count).Take(Shown).ToDictionaryAsync(g => g.Id, g => g.Count, ct);
        var ids = counts.Keys.ToList();
        var shown = (await endpoints.Where(e => ids.Contains(e.Id)).ToListAsync(ct)).OrderByDescending(e => counts[e.Id]).ToList();
        shown.AddRange(await endpoints.Where(e => !ids.Contains(e.Id)).OrderByDescending(e => e.CreatedAt)
            .Take(Shown - shown.Count).ToListAsync(ct));

        var recent = new Dictionary<Guid, List<WebhookDelivery>>();
        foreach (var id in ids)
        {
            recent[id] = await failing.Where(d => d.EndpointId == id).OrderByDescending(d => d.CreatedAt).Take(5).ToListAsync(ct);
        }

        var deliveryIds = recent.Values.SelectMany(r => r).Select(d => d.Id).ToList();
        var attempts = (deliveryIds.Count == 0 ? [] : await db.WebhookAttempts.AsNoTracking()
            .Where(a => deliveryIds.Contains(a.DeliveryId)).ToListAsync(ct)).ToLookup(a => a.DeliveryId);
        var names = await db.AccountNamesAsync(shown.Select(e => e.AccountId), ct);
        return TypedResults.Ok(new DashboardWebhooksResponse(shown.Select(e => new DashboardWebhook(e.AccountId, names[e.AccountId],
            WebhookEndpointResponse.From(e, withSecret: false), counts.GetValueOrDefault(e.Id),
            recent.GetValueOrDefault(e.Id, []).Select(d => WebhookDeliveryResponse.From(d, attempts[d.Id])).ToList())).ToList()));
    }

    private static async Task<Results<Ok<DashboardActivityResponse>, ProblemHttpResult>> Activity(
        ClaimsPrincipal user, RelayDbContext db, TimeProvider clock, Guid? accountId, CancellationToken ct)
    {
        if (await Viewer.ResolveAsync(user, accountId, db, ct) is not { } viewer) return Problems.NotFound("account");
        var now = clock.Now();
        var to = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(1);
        var from = to.AddMinutes(-60);
        var minutes = (await DashboardQueries.ActivityAsync(db, viewer.Account, from, ct)).ToDictionary(m => m.At);
        return TypedResults.Ok(new DashboardActivityResponse(from, to, Enumerable.Range(0, 60).Select(i => from.AddMinutes(i))
            .Select(at => minutes.GetValueOrDefault(at) ?? new ActivityMinute(at, 0, 0, null, null)).ToList()));
    }

    private static async Task<IResult> Events(
        HttpContext http, ClaimsPrincipal user, RelayDbContext db, EventSequencer sequencer, PeerNotify notify,
        Guid? accountId, [FromQuery] int? tail, CancellationToken ct)
    {
        if (await Viewer.ResolveAsync(user, accountId, db, ct) is not { } viewer) return Problems.NotFound("account");
        if (viewer.Account is not { } account) return Problems.Validation("accountId", "accountId is required with the admin key.");
        if (tail is < 0 or > 200) return Problems.Validation("tail", "tail must be from 0 to 200.");
        if (!EventStream.TryReadLastEventId(http.Request, out var lastEventId))
            return Problems.Validation("Last-Event-ID", EventStream.LastEventIdInvalid);
        if (lastEventId is { } resumed) return new EventStream(account, resumed, new EventFilter(null, null, null));

        await sequencer.SequenceAsync(db, notify, account, ct); // the tail includes everything committed before this request
        var after = Math.Max(0, await db.LastSequenceAsync(account, ct) - (tail ?? 0));
        return new EventStream(account, after, new EventFilter(null, null, null));
    }

    /// <summary>
    /// Whose data a request shows: an account key its own account (another account's id is not found); the admin key
    /// the account asked for, or every account (<see cref="Account"/> null).
    /// </summary>
    private readonly record struct Viewer(bool Admin, Guid? Account)
    {
        public static Viewer Of(ClaimsPrincipal user, Guid? asked) => user.FindFirstValue(RelayClaims.AccountId) is { } own
            ? new Viewer(false, Guid.Parse(own))
            : new Viewer(true, asked);

        public static async Task<Viewer?> ResolveAsync(ClaimsPrincipal user, Guid? asked, RelayDbContext db, CancellationToken ct)
        {
            var viewer = Of(user, asked);
            if (asked is { } id && (viewer.Admin ? !await db.Accounts.AnyAsync(a => a.Id == id, ct) : id != viewer.Account))
            {
                return null;
            }

            return viewer;
        }
    }
}
