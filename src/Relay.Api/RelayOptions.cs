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
    /// <summary>"json" writes one JSON object per log line; anything else writes readable text.</summary>
    public string LogFormat { get; set; } = "text";
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
