namespace Relay.Api.Terminals;

/// <param name="Label" example="Front counter">A name for people (optional, up to 100 characters).</param>
/// <param name="StoreId" example="store-042">The merchant's own store id, for filtering (optional, up to 100 characters).</param>
public sealed record CreateTerminalRequest(string? Label, string? StoreId);

/// <param name="Id" example="0193a0b4-1111-7000-8000-00000000beef">The terminal's id.</param>
/// <param name="Label" example="Front counter">A name for people.</param>
/// <param name="StoreId" example="store-042">The merchant's store id.</param>
/// <param name="Status" example="created">created, activated or removed.</param>
/// <param name="ActivationCode" example="K7QHM-3XP9D">Enter this on the terminal (or the simulator's activate command). Single use.</param>
/// <param name="ActivationCodeExpiresAt" example="2026-11-25T09:30:00Z">When the activation code stops working.</param>
/// <param name="CreatedAt" example="2026-11-24T09:30:00Z">When the terminal was created.</param>
public sealed record CreatedTerminalResponse(
    Guid Id, string? Label, string? StoreId, TerminalStatus Status,
    string ActivationCode, DateTimeOffset ActivationCodeExpiresAt, DateTimeOffset CreatedAt);

/// <param name="Id" example="0193a0b4-1111-7000-8000-00000000beef">The terminal's id.</param>
/// <param name="Label" example="Front counter">A name for people.</param>
/// <param name="StoreId" example="store-042">The merchant's store id.</param>
/// <param name="Status" example="activated">created, activated or removed.</param>
/// <param name="Online" example="true">Whether the terminal holds a live connection to the relay now.</param>
/// <param name="LastSeenAt" example="2026-11-24T09:41:12Z">When the relay last heard from the terminal.</param>
/// <param name="SerialNumber" example="SIM-0001">The activated device's serial number.</param>
/// <param name="Model" example="Simulator">The activated device's model.</param>
/// <param name="AppVersion" example="1.0.0">The terminal app's version.</param>
/// <param name="ActivatedAt" example="2026-11-24T09:35:00Z">When the current device was activated.</param>
/// <param name="CreatedAt" example="2026-11-24T09:30:00Z">When the terminal was created.</param>
/// <param name="Registers" example="[&quot;till-1&quot;]">The registers paired with this terminal.</param>
public sealed record TerminalResponse(
    Guid Id, string? Label, string? StoreId, TerminalStatus Status, bool Online, DateTimeOffset? LastSeenAt,
    string? SerialNumber, string? Model, string? AppVersion, DateTimeOffset? ActivatedAt, DateTimeOffset CreatedAt,
    IReadOnlyList<string> Registers);

/// <param name="ActivationCode" example="K7QHM-3XP9D">Enter this on the (new) device. Single use.</param>
/// <param name="ActivationCodeExpiresAt" example="2026-11-25T09:30:00Z">When the code stops working.</param>
public sealed record ActivationCodeResponse(string ActivationCode, DateTimeOffset ActivationCodeExpiresAt);

/// <param name="ActivationCode" example="K7QHM-3XP9D">The code from POST /api/v1/terminals (dashes, spaces and case are ignored).</param>
/// <param name="SerialNumber" example="SIM-0001">The device's serial number (1–100 characters).</param>
/// <param name="Model" example="Simulator">The device's model (optional).</param>
/// <param name="AppVersion" example="1.0.0">The terminal app's version (optional).</param>
public sealed record ActivateTerminalRequest(string? ActivationCode, string? SerialNumber, string? Model, string? AppVersion);

/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">The terminal this device now is.</param>
/// <param name="DeviceToken" example="rdt_Zk1x7Qm2...">The device's credential for the hub. Shown only here; keep it safe.</param>
/// <param name="HubPath" example="/hubs/terminal">Where to open the SignalR connection.</param>
public sealed record ActivationResponse(Guid TerminalId, string DeviceToken, string HubPath);

public static class TerminalMapping
{
    /// <summary>A connected terminal answers keep-alives, so the relay hears from it as of <paramref name="now"/>.</summary>
    public static TerminalResponse ToResponse(this Terminal t, IReadOnlyList<string> registers, DateTimeOffset now) => new(
        t.Id, t.Label, t.StoreId, t.Status, t.ConnectionId != null, t.ConnectionId != null ? now : t.LastSeenAt,
        t.SerialNumber, t.Model, t.AppVersion, t.ActivatedAt, t.CreatedAt, registers);
}
