namespace Relay.Api.Webhooks;

/// <summary>The <c>Relay:Webhooks</c> configuration section.</summary>
public sealed class WebhookOptions
{
    /// <summary>The default backoff: the Standard Webhooks reference schedule, over 27 hours in all.</summary>
    public static readonly TimeSpan[] DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>Allow URLs on loopback, private and link-local addresses (local development and tests only).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Waits before the 2nd, 3rd, … attempt; after the last one the delivery is failed. Unset: <see cref="DefaultRetryDelays"/>.
    /// </summary>
    public TimeSpan[]? RetryDelays { get; set; }

    /// <summary>How long one attempt may take before it counts as a timeout (and is retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often each instance looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a claimed delivery stays with the instance that claimed it (longer than <see cref="Timeout"/>).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan[] Delays => RetryDelays is { Length: > 0 } delays ? delays : DefaultRetryDelays;
}
