using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Events;

/// <summary>The POS's live view (account key): the event stream (SSE) and the same events as a JSON history.</summary>
public static class EventsApi
{
    public static IServiceCollection AddEvents(this IServiceCollection services) => services
        .AddSingleton<EventSignals>()
        .AddSingleton<EventSequencer>()
        .AddHostedService(s => s.GetRequiredService<EventSequencer>())
        .AddScoped<EventLog>()
        .AddHousekeeping("events", async (db, options, now, ct) =>
        {
            var before = now - options.Events.Retention;
            var old = db.Events.Where(e => e.OccurredAt < before);
            await db.EventNumbers.Where(n => old.Any(e => e.Id == n.EventId)).ExecuteDeleteAsync(ct);
            await db.UnnumberedEvents.Where(u => old.Any(e => e.Id == u.EventId)).ExecuteDeleteAsync(ct);
            return await old.ExecuteDeleteAsync(ct);
        });

    public static RouteGroupBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Events").RequireAuthorization(AuthenticationSetup.Account).ProducesProblems(401);
        group.MapGet("/events", Get)
            .Produces<Page<EventResponse>>(contentType: "application/json")
            .Produces(200, contentType: "text/event-stream")
            .ProducesProblems(400)
            .WithSummary("Stream the account's events (SSE), or page through their history")
            .WithDescription("""
                With `Accept: text/event-stream`: a Server-Sent Events stream, each event as `id: <sequence>`, `event: <type>`,
                `data: <the event JSON>`. It starts after `Last-Event-ID` (or `?after=`), or with the events from now on when neither
                is given; reconnecting with the last id received resumes with nothing lost or repeated (events are kept at least
                24 hours). An idle stream gets a `: heartbeat` comment every 15 seconds. Try it: `curl -N -H "Accept: text/event-stream"
                -H "Authorization: Bearer $KEY" http://127.0.0.1:5080/api/v1/events`.
                Without that Accept header: a JSON page of the history after `?after=` (default 0), oldest first, `limit` ≤ 200;
                pass `nextCursor` back as `cursor` for the next page. Filters: registerId, terminalId, type (repeatable).
                """);
        return group;
    }

    private static async Task<IResult> Get(
        HttpContext http, ClaimsPrincipal user, RelayDbContext db, EventSequencer sequencer, PeerNotify notify,
        [FromQuery] string? registerId, [FromQuery] Guid? terminalId, [FromQuery] string[]? type, [FromQuery] long? after,
        [FromQuery] int? limit, [FromQuery] string? cursor, CancellationToken ct)
    {
        var accountId = user.GetAccountId();
        var errors = new Dictionary<string, string[]>();
        if (after is < 0) errors["after"] = ["after must be a sequence number (0 or more)."];
        if (type is { Length: > 0 } && type.FirstOrDefault(t => !EventTypes.All.Contains(t)) is { } unknown)
        {
            errors["type"] = [$"Unknown event type '{unknown}'; one of {string.Join(", ", EventTypes.All)}."];
        }

        // Everything committed before this request is numbered before it reads (read your own writes).
        await sequencer.SequenceAsync(db, notify, accountId, ct);
        var filter = new EventFilter(registerId, terminalId, type is { Length: > 0 } ? type : null);
        var acceptsStream = http.Request.GetTypedHeaders().Accept
            .Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
        if (acceptsStream)
        {
            if (!EventStream.TryReadLastEventId(http.Request, out var lastEventId))
                errors["Last-Event-ID"] = [EventStream.LastEventIdInvalid];
            if (errors.Count > 0) return Problems.Validation(errors);
            return new EventStream(accountId, lastEventId ?? after ?? await db.LastSequenceAsync(accountId, ct), filter);
        }

        if (!Paging.TryRead(limit, cursor, out var size, out var key, out var pagingErrors))
        {
            foreach (var (field, messages) in pagingErrors) errors[field] = messages;
        }

        var from = after ?? 0;
        if (key is not null)
        {
            if (long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var keyAfter)) from = keyAfter;
            else errors["cursor"] = ["cursor is not one this API returned."];
        }

        if (errors.Count > 0) return Problems.Validation(errors);
        var rows = await db.AfterAsync(accountId, from, filter, size + 1, ct);
        return TypedResults.Ok(Paging.Build(rows, size, e => e.Sequence!.Value.ToString(CultureInfo.InvariantCulture), EventResponse.From));
    }
}
