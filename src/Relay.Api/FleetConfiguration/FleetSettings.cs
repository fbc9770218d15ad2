namespace Relay.Api.FleetConfiguration;

/// <summary>
/// The five settings a level (the account's default, a store, a terminal) can set, and the shape of the effective
/// configuration a terminal runs with: the same record is the body of a PUT, a level as stored, the <c>configuration</c> of a
/// terminal's GET and the argument of the hub's <c>ConfigurationChanged</c>. Null means "not set here": the level above
/// decides. Each member is one value: a store's <c>tipping</c> replaces the account's whole, it is not merged with it.
/// </summary>
/// <param name="Tipping">The tip presets the terminal offers when a payment asks for a tip on the terminal without presets of its
/// own.</param>
/// <param name="ReceiptHeader" example="Kōwhai Café&#10;12 Queen St, Auckland">Printed at the top of the terminal's receipts (up to
/// 500 characters, line breaks allowed; "" prints none, whatever the levels above say).</param>
/// <param name="ReceiptFooter" example="Thank you!">Printed at the bottom of the terminal's receipts (as the header).</param>
/// <param name="Language" example="en-NZ">The terminal's language, a BCP 47 tag such as en or en-NZ.</param>
/// <param name="OfflineLimit">The most the terminal may take in one payment while it cannot reach its acquirer.</param>
public sealed record FleetSettings(
    TippingPresets? Tipping, string? ReceiptHeader, string? ReceiptFooter, string? Language, OfflineLimit? OfflineLimit)
{
    public static readonly FleetSettings None = new(null, null, null, null, null);

    /// <summary>
    /// The effective configuration and where each value came from: per member, the terminal's own value, else its store's,
    /// else the account's default; a member no level sets is null, and so is its source.
    /// </summary>
    public static (FleetSettings Configuration, FleetSources Sources) Resolve(
        FleetSettings? account, FleetSettings? store, FleetSettings? terminal)
    {
        (T? Value, string? Source) Pick<T>(Func<FleetSettings, T?> member) where T : class =>
            terminal is not null && member(terminal) is { } fromTerminal ? (fromTerminal, FleetSources.Terminal)
            : store is not null && member(store) is { } fromStore ? (fromStore, FleetSources.Store)
            : account is not null && member(account) is { } fromAccount ? (fromAccount, FleetSources.Account)
            : (null, null);

        var tipping = Pick(s => s.Tipping);
        var header = Pick(s => s.ReceiptHeader);
        var footer = Pick(s => s.ReceiptFooter);
        var language = Pick(s => s.Language);
        var offline = Pick(s => s.OfflineLimit);
        return (new FleetSettings(tipping.Value, header.Value, footer.Value, language.Value, offline.Value),
            new FleetSources(tipping.Source, header.Source, footer.Source, language.Source, offline.Source));
    }
}

/// <summary>The tip screen's presets: the shape of a transaction's <c>options.tipping</c> without <c>onTerminal</c>, which stays the
/// POS's choice per payment.</summary>
/// <param name="Percentages" example="[10, 15, 20]">Presets as percentages of the amount (1–100, up to 4).</param>
/// <param name="FixedAmounts" example="null">Or presets as amounts, minor units (up to 4).</param>
/// <param name="AllowCustom" example="true">Whether the shopper may type another tip.</param>
public sealed record TippingPresets(int[]? Percentages, long[]? FixedAmounts, bool? AllowCustom);

/// <param name="Amount" example="10000">Minor units (0 takes no payment offline).</param>
/// <param name="Currency" example="NZD">ISO 4217 alpha-3, upper case.</param>
public sealed record OfflineLimit(long? Amount, string? Currency);

/// <summary>Which level each effective value came from: <c>account</c>, <c>store</c> or <c>terminal</c>; null where no level sets
/// it.</summary>
/// <param name="Tipping" example="store">Where tipping came from.</param>
/// <param name="ReceiptHeader" example="terminal">Where receiptHeader came from.</param>
/// <param name="ReceiptFooter" example="null">Where receiptFooter came from.</param>
/// <param name="Language" example="account">Where language came from.</param>
/// <param name="OfflineLimit" example="account">Where offlineLimit came from.</param>
public sealed record FleetSources(string? Tipping, string? ReceiptHeader, string? ReceiptFooter, string? Language, string? OfflineLimit)
{
    public const string Account = "account";
    public const string Store = "store";
    public const string Terminal = "terminal";
}
