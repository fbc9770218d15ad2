namespace Relay.Api.Pairing;

/// <summary>The answer to the terminal's RequestPairingCode: the code it shows, and until when it is valid.</summary>
public sealed record PairingCodeResponse(string Code, DateTimeOffset ExpiresAt);

/// <param name="PairingCode" example="482913">The code the terminal shows (RequestPairingCode on the hub). Single use, 5 minutes.</param>
/// <param name="RegisterId" example="till-1">Your register's id, unique within the account (a GUID is recommended; up to 100
/// characters).</param>
/// <param name="RegisterName" example="Till 1">A name the terminal can show (optional).</param>
/// <param name="StoreName" example="Queen St">The store the register is in (optional).</param>
public sealed record CreatePairingRequest(string? PairingCode, string? RegisterId, string? RegisterName, string? StoreName);

/// <param name="RegisterId" example="till-1">The register.</param>
/// <param name="RegisterName" example="Till 1">Its name.</param>
/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">The terminal that now takes its payments.</param>
/// <param name="PairedAt" example="2026-11-24T09:38:00Z">When it was paired.</param>
/// <param name="ReplacedTerminalId" example="null">The terminal the register was paired with before, when pairing moved it.</param>
public sealed record CreatedPairingResponse(
    string RegisterId, string? RegisterName, Guid TerminalId, DateTimeOffset PairedAt, Guid? ReplacedTerminalId);

/// <param name="RegisterId" example="till-1">The register.</param>
/// <param name="RegisterName" example="Till 1">Its name.</param>
/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">Its terminal.</param>
/// <param name="PairedAt" example="2026-11-24T09:38:00Z">When it was paired.</param>
public sealed record PairingResponse(string RegisterId, string? RegisterName, Guid TerminalId, DateTimeOffset PairedAt);

public static class PairingMapping
{
    public static PairingResponse ToResponse(this RegisterPairing p) => new(p.RegisterId, p.RegisterName, p.TerminalId, p.PairedAt);
}
