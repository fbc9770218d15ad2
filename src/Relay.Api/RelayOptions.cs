namespace Relay.Api;

/// <summary>The <c>Relay</c> configuration section.</summary>
public sealed class RelayOptions
{
    public string? AdminApiKey { get; set; }
    public TimeSpan ActivationCodeLifetime { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan PairingCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromHours(48);
    public RateLimitOptions RateLimits { get; set; } = new();
    public EventOptions Events { get; set; } = new();
    public ClusterOptions Cluster { get; set; } = new();
    public Webhooks.WebhookOptions Webhooks { get; set; } = new();
    public Telemetry.MetricsOptions Metrics { get; set; } = new();
    public NexoOptions Nexo { get; set; } = new();
    /// <summary>"json" writes one JSON object per log line; anything else writes readable text.</summary>
    public string LogFormat { get; set; } = "text";
}

public sealed class NexoOptions
{
    /// <summary>How long /nexo/sync holds a message for its outcome, as Adyen's cloud holds it; after that, HTTP 504.</summary>
    public TimeSpan SyncWait { get; set; } = TimeSpan.FromSeconds(150);
}

public sealed class RateLimitOptions
{
    /// <summary>Activation attempts per client address per minute.</summary>
    public int ActivationsPerMinute { get; set; } = 10;
    /// <summary>Pairing attempts per account per minute.</summary>
    public int PairingsPerMinute { get; set; } = 30;
}

public sealed class EventOptions
{
    /// <summary>How long events are kept for streams to resume from (at least 24 hours; webhook retries need them too).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(72);
    /// <summary>How often an idle event stream gets a comment line, so proxies keep it open.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>How relay instances sharing one database keep track of each other (see README, "Several instances").</summary>
public sealed class ClusterOptions
{
    /// <summary>How often an instance records that it is alive (and that its terminals are).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>An instance silent this long is dead: the others show its terminals offline.</summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>A pending transaction not yet acknowledged this long after creation is pushed to its terminal again.</summary>
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromSeconds(3);
}
