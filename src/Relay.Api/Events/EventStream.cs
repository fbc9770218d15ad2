using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Relay.Api.Cluster;
using Relay.Api.Data;

namespace Relay.Api.Events;

/// <summary>
/// A Server-Sent Events stream of the account's events from a sequence number on: <c>id:</c> is the sequence, so a
/// client that reconnects with <c>Last-Event-ID</c> resumes with nothing lost or repeated. Idle streams get a
/// heartbeat comment so proxies keep them open.
/// </summary>
public sealed class EventStream(Guid accountId, long after, EventFilter filter) : IResult
{
    private const int Batch = 200;
    /// <summary>How often the stream re-reads the database when nothing woke it (events committed by another instance).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public async Task ExecuteAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var db = services.GetRequiredService<RelayDbContext>();
        var signals = services.GetRequiredService<EventSignals>();
        var clock = services.GetRequiredService<TimeProvider>();
        var heartbeat = services.GetRequiredService<IOptions<RelayOptions>>().Value.Events.HeartbeatInterval;
        var logger = services.GetRequiredService<ILogger<EventStream>>();
        // The stream ends when the client goes away or this instance shuts down (the client reconnects, to another one).
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(
            http.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var ct = ending.Token;

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: do not buffer the stream
        logger.LogInformation("Event stream opened for account {AccountId} after event {Sequence}", accountId, after);
        try
        {
            // Numbered elsewhere, the account's events are hinted to the instances streaming them.
            using var interest = await services.GetRequiredService<PeerInterests>()
                .HoldAsync(PeerHint.EventsNumbered.TopicOf(accountId), ct);
            await WriteAsync(http, "retry: 2000\n: stream open\n\n", ct);
            var lastWrite = clock.GetTimestamp();
            var cursor = after;
            while (!ct.IsCancellationRequested)
            {
                var change = signals.NextChange(accountId);
                var events = await db.AfterAsync(accountId, cursor, filter, Batch, ct);
                foreach (var e in events)
                {
                    await WriteAsync(http, Format(e), ct);
                    cursor = e.Sequence!.Value;
                }

                if (events.Count > 0)
                {
                    lastWrite = clock.GetTimestamp();
                    if (events.Count == Batch)
                    {
                        continue; // more are waiting
                    }
                }
                else if (clock.GetElapsedTime(lastWrite) >= heartbeat)
                {
                    await WriteAsync(http, ": heartbeat\n\n", ct);
                    lastWrite = clock.GetTimestamp();
                }

                var untilHeartbeat = heartbeat - clock.GetElapsedTime(lastWrite);
                var wait = untilHeartbeat < Poll ? untilHeartbeat : Poll;
                await Task.WhenAny(change, Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, clock, ct));
                signals.Forget(accountId, change);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away, or the relay is stopping.
        }

        logger.LogInformation("Event stream closed for account {AccountId}", accountId);
    }

    /// <summary>The stream's resume point from <c>Last-Event-ID</c>: none when absent; false when it is not an event id.</summary>
    public static bool TryReadLastEventId(HttpRequest request, out long? after)
    {
        after = null;
        var header = request.Headers["Last-Event-ID"].ToString();
        if (header.Length == 0) return true;
        if (!long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return false;
        after = id;
        return true;
    }

    public const string LastEventIdInvalid = "Last-Event-ID must be the id of an event this stream sent.";

    private static string Format(EventRecord e)
    {
        var json = Encoding.UTF8.GetString(EventResponse.From(e).ToUtf8Json());
        return $"id: {e.Sequence}\nevent: {e.Type}\ndata: {json}\n\n";
    }

    private static async Task WriteAsync(HttpContext http, string text, CancellationToken ct)
    {
        await http.Response.WriteAsync(text, ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
