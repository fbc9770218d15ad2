namespace Relay.Api.FleetConfiguration;

/// <summary>One level as stored: the answer to its GET and PUT, and the data of its <c>configuration.changed</c> event.</summary>
/// <param name="Scope" example="store">account (the default of every terminal), store or terminal.</param>
/// <param name="StoreId" example="store-042">The store, for a store's level.</param>
/// <param name="TerminalId" example="null">The terminal, for a terminal's own level.</param>
/// <param name="Configuration">What this level sets; null members are left to the levels above.</param>
/// <param name="UpdatedAt" example="2026-12-02T09:00:00Z">When the level was last set; null when it sets nothing.</param>
public sealed record FleetLevelResponse(
    string Scope, string? StoreId, Guid? TerminalId, FleetSettings Configuration, DateTimeOffset? UpdatedAt)
{
    public static FleetLevelResponse From(FleetScope scope, string key, FleetSetting? row) => new(
        Infrastructure.WireEnum<FleetScope>.Name(scope), scope == FleetScope.Store ? key : null,
        scope == FleetScope.Terminal ? Guid.Parse(key) : null, row?.Settings ?? FleetSettings.None, row?.UpdatedAt);
}

/// <summary>What a terminal runs with (the same configuration it is sent as ConfigurationChanged) and where each value came
/// from.</summary>
/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">The terminal.</param>
/// <param name="StoreId" example="store-042">Its store, whose level applies.</param>
/// <param name="Configuration">The effective configuration: per value the terminal's own, else its store's, else the account's
/// default.</param>
/// <param name="Sources">Which level each value came from (null: none sets it).</param>
public sealed record TerminalConfigurationResponse(Guid TerminalId, string? StoreId, FleetSettings Configuration, FleetSources Sources);
