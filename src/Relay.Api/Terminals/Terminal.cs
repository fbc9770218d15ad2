namespace Relay.Api.Terminals;

public enum TerminalStatus { Created, Activated, Removed }

public sealed class Terminal
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public string? Label { get; set; }
    public string? StoreId { get; set; }
    public TerminalStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public string? ActivationCodeHash { get; set; }
    public DateTimeOffset? ActivationCodeExpiresAt { get; set; }

    /// <summary>The device currently activated for this terminal; a new activation (device swap) replaces it.</summary>
    public Guid? DeviceId { get; set; }
    public string? DeviceTokenHash { get; set; }
    public string? SerialNumber { get; set; }
    public string? Model { get; set; }
    public string? AppVersion { get; set; }
    public DateTimeOffset? ActivatedAt { get; set; }
    public DateTimeOffset? RemovedAt { get; set; }

    /// <summary>The SignalR connection that holds the terminal now; null while it is offline.</summary>
    public string? ConnectionId { get; set; }
    /// <summary>The relay instance that holds <see cref="ConnectionId"/>.</summary>
    public Guid? InstanceId { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }
}
