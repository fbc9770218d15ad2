namespace Relay.Api.Events;

/// <summary><c>pairing.changed</c>: a register was paired with a terminal, moved to another, or unpaired.</summary>
/// <param name="RegisterId" example="till-1">The register.</param>
/// <param name="RegisterName" example="Till 1">Its name.</param>
/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">The terminal this change is about.</param>
/// <param name="Paired" example="true">True when the register is now paired with this terminal; false when it no longer is.</param>
/// <param name="ReplacedTerminalId" example="null">With paired=true: the terminal the register was moved from.</param>
public sealed record PairingChangedEvent(
    string RegisterId, string? RegisterName, Guid TerminalId, bool Paired, Guid? ReplacedTerminalId = null);

/// <summary><c>terminal.online</c> / <c>terminal.offline</c>: the terminal's connection came or went.</summary>
/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">The terminal.</param>
/// <param name="Label" example="Front counter">Its label.</param>
/// <param name="Online" example="true">Whether it is connected now.</param>
/// <param name="LastSeenAt" example="2026-11-24T09:38:00Z">When the relay last heard from it.</param>
public sealed record TerminalPresenceEvent(Guid TerminalId, string? Label, bool Online, DateTimeOffset? LastSeenAt);
