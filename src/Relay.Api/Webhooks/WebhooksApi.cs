using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Webhooks;

/// <summary>Webhook endpoints (account key), their deliveries, and the secret that signs per-transaction callbacks.</summary>
public static class WebhooksApi
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services) => services
        .AddSingleton<WebhookUrls>()
        .AddHttpClient(WebhookDispatcher.HttpClientName, http =>
        {
            http.Timeout = Timeout.InfiniteTimeSpan; // each attempt has its own (Relay:Webhooks)
            http.DefaultRequestHeaders.UserAgent.ParseAdd("Relay-Webhooks/1");
        })
        .ConfigurePrimaryHttpMessageHandler(s => new SocketsHttpHandler
        {
            ConnectCallback = s.GetRequiredService<WebhookUrls>().ConnectAsync, // the address each connection reaches is checked
            AllowAutoRedirect = false, // a redirect could lead anywhere, private networks included
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        })
        .SetHandlerLifetime(Timeout.InfiniteTimeSpan) // the handler renews its connections itself (PooledConnectionLifetime)
        .RemoveAllLoggers() // each delivery is logged once, by the dispatcher
        .Services
        .AddHostedService<WebhookDispatcher>()
        .AddHousekeeping("finished webhook deliveries", (db, options, now, ct) =>
            db.WebhookDeliveries.Where(d => d.CompletedAt < now - options.Events.Retention).ExecuteDeleteAsync(ct));

    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Webhooks").RequireAuthorization(AuthenticationSetup.Account).ProducesProblems(401);
        group.MapPost("/webhook-endpoints", Create).ProducesProblems(400).WithSummary("Register a webhook endpoint")
            .WithDescription("""
                Events are POSTed to `url` as the event JSON (the same as the stream's `data:`), or with `format: nexo` as nexo
                messages (see /nexo/async), signed per Standard Webhooks:
                `webhook-id` (the same on every retry), `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
                id.timestamp.body>` with the returned `secret`. A 2xx answer is success; network errors, timeouts, 408, 429 and
                5xx are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; 410 Gone disables the endpoint. URLs on
                loopback, private or link-local addresses are refused (unless the relay allows private networks).
                """);
        group.MapGet("/webhook-endpoints", List).ProducesProblems(400).WithSummary("List webhook endpoints")
            .WithDescription("Newest first, paged with limit (≤ 200) and cursor. " +
                             "Secrets are not listed; GET one endpoint for its secret.");
        group.MapGet("/webhook-endpoints/{id:guid}", Get).ProducesProblems(404).WithSummary("Get a webhook endpoint, with its secret");
        group.MapDelete("/webhook-endpoints/{id:guid}", Delete).ProducesProblems(404).WithSummary("Delete a webhook endpoint")
            .WithDescription("Its pending deliveries are dropped with it.");
        group.MapGet("/webhook-endpoints/{id:guid}/deliveries", Deliveries).ProducesProblems(400, 404)
            .WithSummary("The endpoint's deliveries and their attempts")
            .WithDescription("Newest first, paged with limit (≤ 200) and cursor; " +
                             "each delivery with every attempt's status code and duration.");
        group.MapGet("/callback-secret", CallbackSecret).WithSummary("The secret that signs deliveries to transactions' callbackUrl")
            .WithDescription("Made on first use. Deliveries to a transaction's callbackUrl are signed like webhooks, with this secret.");
        group.MapPost("/callback-secret/rotate", RotateCallbackSecret).WithSummary("Replace the callback secret")
            .WithDescription("Deliveries from now on are signed with the new secret.");
        return group;
    }

    private static async Task<Results<Created<WebhookEndpointResponse>, ProblemHttpResult>> Create(
        CreateWebhookEndpointRequest request, ClaimsPrincipal user, RelayDbContext db, WebhookUrls urls, TimeProvider clock,
        ILogger<WebhookEndpoint> logger, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (await urls.CheckAsync(request.Url, "url", ct) is { } urlError) errors["url"] = [urlError];
        var events = (request.Events ?? []).Distinct().ToArray();
        if (events.FirstOrDefault(e => !EventTypes.All.Contains(e)) is { } unknown)
        {
            errors["events"] = [$"Unknown event type '{unknown}'; one of {string.Join(", ", EventTypes.All)}."];
        }

        var format = request.Format ?? WebhookFormats.Relay;
        if (format is not (WebhookFormats.Relay or WebhookFormats.Nexo)) errors["format"] = ["format must be relay or nexo."];
        if (errors.Count > 0) return Problems.Validation(errors);
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(), AccountId = user.GetAccountId(), Url = request.Url!, Events = events, Format = format,
            Secret = WebhookSigner.NewSecret(), CreatedAt = clock.Now(),
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Webhook endpoint {EndpointId} registered for account {AccountId}: {Url}",
            endpoint.Id, endpoint.AccountId, endpoint.Url);
        return TypedResults.Created($"/api/v1/webhook-endpoints/{endpoint.Id}", WebhookEndpointResponse.From(endpoint, withSecret: true));
    }

    private static async Task<Results<Ok<Page<WebhookEndpointResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, RelayDbContext db, int? limit, string? cursor, CancellationToken ct)
    {
        if (!Paging.TryRead(limit, cursor, out var size, out var after, out var errors)) return Problems.Validation(errors);
        var accountId = user.GetAccountId();
        var query = db.WebhookEndpoints.AsNoTracking().Where(e => e.AccountId == accountId);
        if (Paging.TryGuid(after, out var afterId)) query = query.Where(e => e.Id.CompareTo(afterId) < 0);
        var rows = await query.OrderByDescending(e => e.Id).Take(size + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.Build(rows, size, e => e.Id.ToString(), e => WebhookEndpointResponse.From(e, withSecret: false)));
    }

    private static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal user, RelayDbContext db, CancellationToken ct)
    {
        var accountId = user.GetAccountId();
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id && e.AccountId == accountId, ct);
        return endpoint is null
            ? Problems.NotFound("webhook endpoint")
            : TypedResults.Ok(WebhookEndpointResponse.From(endpoint, withSecret: true));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, ClaimsPrincipal user, RelayDbContext db, ILogger<WebhookEndpoint> logger)
    {
        var accountId = user.GetAccountId();
        if (await db.WebhookEndpoints.Where(e => e.Id == id && e.AccountId == accountId).ExecuteDeleteAsync() == 0)
        {
            return Problems.NotFound("webhook endpoint");
        }

        logger.LogInformation("Webhook endpoint {EndpointId} deleted from account {AccountId}", id, accountId);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<WebhookDeliveryResponse>>, ProblemHttpResult>> Deliveries(
        Guid id, ClaimsPrincipal user, RelayDbContext db, int? limit, string? cursor, CancellationToken ct)
    {
        if (!Paging.TryRead(limit, cursor, out var size, out var after, out var errors)) return Problems.Validation(errors);
        var accountId = user.GetAccountId();
        if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == id && e.AccountId == accountId, ct))
            return Problems.NotFound("webhook endpoint");

        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == id);
        if (after is not null && long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var afterSequence))
        {
            query = query.Where(d => d.EventSequence < afterSequence);
        }

        var rows = await query.OrderByDescending(d => d.EventSequence).Take(size + 1).ToListAsync(ct);
        var ids = rows.Select(d => d.Id).ToList();
        var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId))
                .OrderBy(a => a.Number).ToListAsync(ct))
            .ToLookup(a => a.DeliveryId);
        return TypedResults.Ok(Paging.Build(rows, size, d => d.EventSequence.ToString(CultureInfo.InvariantCulture),
            d => WebhookDeliveryResponse.From(d, attempts[d.Id])));
    }

    private static async Task<Ok<CallbackSecretResponse>> CallbackSecret(ClaimsPrincipal user, RelayDbContext db) =>
        TypedResults.Ok(new CallbackSecretResponse(await db.CallbackSecretAsync(user.GetAccountId())));

    private static async Task<Ok<CallbackSecretResponse>> RotateCallbackSecret(
        ClaimsPrincipal user, RelayDbContext db, ILogger<WebhookEndpoint> logger)
    {
        var accountId = user.GetAccountId();
        var secret = WebhookSigner.NewSecret();
        await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.CallbackSecret, secret));
        logger.LogInformation("Callback secret of account {AccountId} rotated", accountId);
        return TypedResults.Ok(new CallbackSecretResponse(secret));
    }

    /// <summary>The account's callback secret, made on first use (of two racing first uses, one secret wins).</summary>
    public static async Task<string> CallbackSecretAsync(this RelayDbContext db, Guid accountId)
    {
        var fresh = WebhookSigner.NewSecret();
        return (await db.Database.SqlQuery<string>($"""
            UPDATE accounts SET callback_secret = COALESCE(callback_secret, {fresh}) WHERE id = {accountId}
            RETURNING callback_secret AS "Value"
            """).ToListAsync()).Single();
    }
}
