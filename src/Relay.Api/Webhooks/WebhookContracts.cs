namespace Relay.Api.Webhooks;

/// <param name="Url" example="https://pos.example.com/relay/webhooks">Where to POST the events (absolute http or https URL on a public
/// address).</param>
/// <param name="Events" example="[&quot;transaction.updated&quot;]">The event types to deliver; empty or missing: all of them.</param>
/// <param name="Format" example="relay">relay (default): the event JSON. nexo: nexo messages for POS software that speaks nexo: the
/// SaleToPOIResponse of each message sent to /nexo/async once it ends, and the terminal's display, print and input requests as
/// SaleToPOIRequest DisplayRequest, PrintRequest and InputRequest while a sale system logged in with CashierDisplay,
/// PrinterReceipt or CashierInput among its SaleCapabilities; no other event.</param>
public sealed record CreateWebhookEndpointRequest(string? Url, string[]? Events, string? Format = null);

/// <summary>What a webhook endpoint's deliveries carry.</summary>
public static class WebhookFormats
{
    public const string Relay = "relay";
    public const string Nexo = "nexo";
}

/// <param name="Id" example="0193a0b4-3333-7000-8000-00000000f00d">The endpoint.</param>
/// <param name="Url" example="https://pos.example.com/relay/webhooks">Where deliveries go.</param>
/// <param name="Events" example="[&quot;transaction.updated&quot;]">The event types delivered (empty: all).</param>
/// <param name="Format" example="relay">relay (the event JSON) or nexo (nexo messages).</param>
/// <param name="Secret" example="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw">The Standard Webhooks signing secret (not in lists).</param>
/// <param name="Enabled" example="true">False once the receiver answered 410 Gone: nothing more is delivered.</param>
/// <param name="DisabledReason" example="null">Why it was disabled.</param>
/// <param name="CreatedAt" example="2026-11-24T09:38:00Z">When it was created.</param>
public sealed record WebhookEndpointResponse(
    Guid Id, string Url, string[] Events, string Format, string? Secret,
    bool Enabled, string? DisabledReason, DateTimeOffset CreatedAt)
{
    public static WebhookEndpointResponse From(WebhookEndpoint e, bool withSecret) =>
        new(e.Id, e.Url, e.Events, e.Format, withSecret ? e.Secret : null, e.Enabled, e.DisabledReason, e.CreatedAt);
}

/// <param name="Id" example="0193a0b4-4444-7000-8000-00000000d00d">The delivery: the webhook-id header, the same on every attempt.</param>
/// <param name="EventId" example="42">The event's sequence number.</param>
/// <param name="EventType" example="transaction.updated">The event's type.</param>
/// <param name="Status" example="succeeded">pending, succeeded or failed.</param>
/// <param name="AttemptCount" example="1">Attempts made so far.</param>
/// <param name="NextAttemptAt" example="2026-11-24T09:40:05Z">When the next attempt is due (while pending).</param>
/// <param name="CreatedAt" example="2026-11-24T09:40:00Z">When the event happened.</param>
/// <param name="CompletedAt" example="2026-11-24T09:40:00Z">When it succeeded or was given up.</param>
/// <param name="Attempts">Each attempt with its HTTP status code and timing.</param>
public sealed record WebhookDeliveryResponse(
    Guid Id, long EventId, string EventType, string Status, int AttemptCount, DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt, IReadOnlyList<WebhookAttemptResponse> Attempts)
{
    public static WebhookDeliveryResponse From(WebhookDelivery d, IEnumerable<WebhookAttempt> attempts) => new(
        d.Id, d.EventSequence, d.EventType, d.Status, d.AttemptCount, d.NextAttemptAt, d.CreatedAt, d.CompletedAt,
        attempts.OrderBy(a => a.Number)
            .Select(a => new WebhookAttemptResponse(a.Number, a.AttemptedAt, a.StatusCode, a.DurationMs, a.Error)).ToList());
}

/// <param name="Number" example="1">1 for the first attempt.</param>
/// <param name="AttemptedAt" example="2026-11-24T09:40:00Z">When it was sent.</param>
/// <param name="StatusCode" example="200">The receiver's HTTP status; null when no response came.</param>
/// <param name="DurationMs" example="12">How long it took.</param>
/// <param name="Error" example="null">What went wrong when there was no response (timeout, connection refused).</param>
public sealed record WebhookAttemptResponse(int Number, DateTimeOffset AttemptedAt, int? StatusCode, int DurationMs, string? Error);

/// <param name="Secret" example="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw">Signs deliveries to transactions' callbackUrl.</param>
public sealed record CallbackSecretResponse(string Secret);
