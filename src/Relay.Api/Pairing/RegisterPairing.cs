namespace Relay.Api.Pairing;

/// <summary>A register (till) bound to the terminal that takes its payments. One row per register.</summary>
public sealed class RegisterPairing
{
    public Guid AccountId { get; set; }
    public required string RegisterId { get; set; }
    public string? RegisterName { get; set; }
    public string? StoreName { get; set; }
    public Guid TerminalId { get; set; }
    public DateTimeOffset PairedAt { get; set; }
}

/// <summary>A short code a terminal shows so a cashier can pair a register with it. Single use, short-lived.</summary>
public sealed class PairingCode
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid TerminalId { get; set; }
    public required string Code { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
