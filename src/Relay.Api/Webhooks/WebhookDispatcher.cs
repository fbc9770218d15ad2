using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Infrastructure;
using Relay.Api.Telemetry;

namespace Relay.Api.Webhooks;

/// <summary>
/// Sends due webhook deliveries. Each is claimed from the database with a lease (FOR UPDATE SKIP LOCKED), so two relay
/// instances never send the same attempt, and a relay that dies mid-send leaves it to be sent again when the lease
/// runs out: at least once, always with the same webhook-id, so receivers dedupe.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes, IHttpClientFactory clients, TimeProvider clock, IOptions<RelayOptions> options,
    RelayMetrics metrics, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private const int Batch = 32;

    /// <summary>The webhook client (<see cref="WebhooksApi.AddWebhooks"/>): each connection checked by <see cref="WebhookUrls"/>.</summary>
    public const string HttpClientName = "webhooks";
    private WebhookOptions Options => options.Value.Webhooks;

    private sealed record Claimed(Guid Id, Guid AccountId, Guid? EndpointId, string Url, long EventSequence, int AttemptCount);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var http = clients.CreateClient(HttpClientName);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await ClaimAsync(stoppingToken);
                try
                {
                    await Parallel.ForEachAsync(claimed,
                        new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stoppingToken },
                        async (delivery, ct) => await SendAsync(http, delivery, ct));
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    await ReleaseAsync(claimed); // stopping: let another instance send them now rather than after the lease
                    return;
                }
                if (claimed.Count == Batch)
                {
                    continue;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Webhook dispatch failed ({Error}); retrying shortly", e.Message);
            }

            await Task.Delay(Options.PollInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<List<Claimed>> ClaimAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
        var now = clock.Now();
        var until = now + Options.Lease;
        return await db.Database.SqlQuery<Claimed>($"""
            UPDATE webhook_deliveries SET locked_until = {until}
            WHERE id IN (SELECT id FROM webhook_deliveries
                         WHERE status = 'pending' AND next_attempt_at <= {now} AND (locked_until IS NULL OR locked_until < {now})
                         ORDER BY next_attempt_at LIMIT {Batch} FOR UPDATE SKIP LOCKED)
            RETURNING id, account_id, endpoint_id, url, event_sequence, attempt_count
            """).ToListAsync(ct);
    }

    private async Task ReleaseAsync(List<Claimed> claimed)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var ids = claimed.Select(c => c.Id).ToList();
            await scope.ServiceProvider.GetRequiredService<RelayDbContext>().WebhookDeliveries
                .Where(d => ids.Contains(d.Id) && d.Status == "pending")
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, (DateTimeOffset?)null));
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not release {Count} webhook deliveries on stopping ({Error}); they are sent after their lease",
                claimed.Count, e.Message);
        }
    }

    private async Task SendAsync(HttpClient http, Claimed delivery, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
        var number = delivery.AttemptCount + 1;

        var endpoint = delivery.EndpointId is { } endpointId
            ? await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.Enabled).Select(e => new { e.Secret, e.Format })
                .FirstOrDefaultAsync(ct)
            : new { Secret = await db.CallbackSecretAsync(delivery.AccountId), Format = WebhookFormats.Relay };
        var row = await db.NumberedAsync(delivery.AccountId, delivery.EventSequence, ct);
        byte[]? body = null;
        string? error = null;
        try
        {
            body = row is null || endpoint is null ? null
                : endpoint.Format == WebhookFormats.Nexo
                    ? await scope.ServiceProvider.GetRequiredService<Nexo.NexoNotifications>().BodyOfAsync(row, ct)
                    : EventResponse.From(row).ToUtf8Json();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A failed attempt (retried later, as a receiver's 5xx is), not a stalled batch.
            logger.LogError(e, "Webhook delivery {DeliveryId} of event {EventId}: its body could not be made",
                delivery.Id, delivery.EventSequence);
            error = "Relay could not make its body (the relay's log says why)"; // not the exception's text: the account sees this
            db.ChangeTracker.Clear();
        }

        if (error is null && (endpoint is null || body is null))
        {
            await FinishAsync(db, delivery, "failed", null, ct);
            metrics.WebhookAttempt("dropped");
            logger.LogWarning("Webhook delivery {DeliveryId} of event {EventId} dropped: {Reason}", delivery.Id, delivery.EventSequence,
                endpoint is null ? "its endpoint is disabled" : row is null ? "the event is no longer kept" : "it has no nexo message now");
            return;
        }

        var attemptedAt = clock.Now();
        var watch = Stopwatch.StartNew();
        int? status = null;
        if (error is null) // else nothing to send: a failed attempt, as a network error is
        {
            (status, error) = await PostAsync(http, delivery, endpoint!.Secret, body!, ct);
        }

        var duration = (int)watch.ElapsedMilliseconds;
        db.WebhookAttempts.Add(new WebhookAttempt
        {
            DeliveryId = delivery.Id, Number = number, AttemptedAt = attemptedAt, StatusCode = status, DurationMs = duration,
            Error = error is { Length: > 500 } ? error[..500] : error,
        });
        await db.SaveChangesAsync(CancellationToken.None);

        var delays = Options.Delays;
        if (status is >= 200 and < 300)
        {
            await FinishAsync(db, delivery, "succeeded", number, ct);
            metrics.WebhookAttempt("delivered");
            logger.LogInformation("Webhook delivery {DeliveryId} of event {EventId} to endpoint {EndpointId}: "
                + "{StatusCode} in {DurationMs} ms (attempt {Attempt})",
                delivery.Id, delivery.EventSequence, delivery.EndpointId, status, duration, number);
        }
        else if (status == (int)HttpStatusCode.Gone && delivery.EndpointId is { } gone)
        {
            await FinishAsync(db, delivery, "failed", number, ct);
            metrics.WebhookAttempt("failed");
            var now = clock.Now();
            await db.WebhookEndpoints.Where(e => e.Id == gone).ExecuteUpdateAsync(s => s.SetProperty(e => e.Enabled, false)
                .SetProperty(e => e.DisabledAt, now).SetProperty(e => e.DisabledReason, "The receiver answered 410 Gone."), ct);
            await db.WebhookDeliveries.Where(d => d.EndpointId == gone && d.Status == "pending")
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, "failed").SetProperty(d => d.CompletedAt, now), ct);
            logger.LogWarning("Webhook endpoint {EndpointId} disabled: its receiver answered 410 Gone to delivery {DeliveryId}",
                gone, delivery.Id);
        }
        else if (IsRetryable(status) && number <= delays.Length)
        {
            var next = clock.Now() + delays[number - 1];
            await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.Status == "pending").ExecuteUpdateAsync(s => s
                .SetProperty(d => d.AttemptCount, number).SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.LockedUntil, (DateTimeOffset?)null), ct);
            metrics.WebhookAttempt("retrying");
            logger.LogWarning("Webhook delivery {DeliveryId} of event {EventId} to endpoint {EndpointId}: "
                + "{StatusCode} {Error} (attempt {Attempt}); next attempt at {NextAttemptAt}",
                delivery.Id, delivery.EventSequence, delivery.EndpointId, status, error, number, next);
        }
        else
        {
            await FinishAsync(db, delivery, "failed", number, ct);
            metrics.WebhookAttempt("failed");
            logger.LogWarning("Webhook delivery {DeliveryId} of event {EventId} to endpoint {EndpointId} failed for good: "
                + "{StatusCode} {Error} (attempt {Attempt})",
                delivery.Id, delivery.EventSequence, delivery.EndpointId, status, error, number);
        }
    }

    /// <summary>The receiver's status, or why there is none.</summary>
    private async Task<(int? Status, string? Error)> PostAsync(
        HttpClient http, Claimed delivery, string secret, byte[] body, CancellationToken ct)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var id = delivery.Id.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigner.Sign(secret, id, timestamp, body));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Options.Timeout);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"timed out after {Options.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return (null, e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>Network errors and timeouts (no status), 408, 429 and 5xx are worth another attempt.</summary>
    private static bool IsRetryable(int? status) => status is null or 408 or 429 or >= 500;

    private Task FinishAsync(RelayDbContext db, Claimed delivery, string status, int? attempts, CancellationToken ct)
    {
        var now = clock.Now();
        return db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.Status == "pending").ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, status).SetProperty(d => d.CompletedAt, now)
            .SetProperty(d => d.AttemptCount, attempts ?? delivery.AttemptCount)
            .SetProperty(d => d.LockedUntil, (DateTimeOffset?)null), ct);
    }
}
