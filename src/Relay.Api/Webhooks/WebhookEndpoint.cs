namespace Relay.Api.Webhooks;

/// <summary>A URL the account's events are delivered to (Standard Webhooks), with the secret deliveries are signed with.</summary>
public sealed class WebhookEndpoint
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string Url { get; set; }
    /// <summary>The event types delivered; empty means all of them.</summary>
    public string[] Events { get; set; } = [];
    /// <summary><c>relay</c> (the event JSON) or <c>nexo</c> (nexo messages: <see cref="Nexo.NexoNotifications"/>).</summary>
    public string Format { get; set; } = WebhookFormats.Relay;
    /// <summary><c>whsec_</c> + base64 of the key; kept in plain text because every delivery is signed with it.</summary>
    public required string Secret { get; set; }
    public bool Enabled { get; set; } = true;
    public string? DisabledReason { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One event to deliver to one URL (an endpoint's, or a transaction's callbackUrl), retried with the same id
/// (<c>webhook-id</c>) until it succeeds or the schedule runs out. Claimed with <see cref="LockedUntil"/>, so two
/// relay instances never send the same attempt.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    /// <summary>Null for a per-transaction callback.</summary>
    public Guid? EndpointId { get; set; }
    public required string Url { get; set; }
    public long EventSequence { get; set; }
    public required string EventType { get; set; }
    /// <summary>pending, succeeded, failed (the schedule ran out, or the endpoint went away).</summary>
    public required string Status { get; set; }
    public int AttemptCount { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One HTTP attempt of a delivery, listed to the merchant with its status code and timing.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public int Number { get; set; }
    public DateTimeOffset AttemptedAt { get; set; }
    /// <summary>Null when no response came (network error, timeout).</summary>
    public int? StatusCode { get; set; }
    public int DurationMs { get; set; }
    public string? Error { get; set; }
}
