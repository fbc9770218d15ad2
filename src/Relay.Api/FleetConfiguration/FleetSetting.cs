namespace Relay.Api.FleetConfiguration;

public enum FleetScope { Account, Store, Terminal }

/// <summary>
/// One level of an account's fleet configuration: its default (<see cref="FleetScope.Account"/>, key ""), a store (key: the
/// merchant's store id, as in <c>terminals.store_id</c>) or a terminal (key: its id). A level that sets nothing has no row.
/// </summary>
public sealed class FleetSetting
{
    public Guid AccountId { get; set; }
    public FleetScope Scope { get; set; }
    public required string Key { get; set; }
    /// <summary>What the level sets (jsonb), in the wire format.</summary>
    public required FleetSettings Settings { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static string KeyOf(Guid terminalId) => terminalId.ToString("D");
}
