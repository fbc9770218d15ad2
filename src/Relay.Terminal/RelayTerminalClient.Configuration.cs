using Microsoft.AspNetCore.SignalR.Client;

namespace Relay.Terminal;

// The fleet configuration the merchant set for this terminal (its own, its store's or the account's default, value by value):
// the relay sends it as ConfigurationChanged on every connect, before any work, and whenever it changes.
public sealed partial class RelayTerminalClient
{
    private volatile TerminalConfiguration? _configuration;

    /// <summary>
    /// The configuration the relay sent last; null until the first arrives (shortly after each connect). Kept in memory only:
    /// a new client gets it again when it connects.
    /// </summary>
    public TerminalConfiguration? Configuration => _configuration;

    /// <summary>The relay sent the terminal's configuration: on every connect, and after the merchant changed it.</summary>
    public event Func<TerminalConfiguration, Task>? ConfigurationChanged;

    // Taken at once, not on the event queue: whatever the app reads after this message (a transaction re-sent on connect) sees it.
    private void ListenForConfiguration(HubConnection hub) => hub.On<TerminalConfiguration?>("ConfigurationChanged", configuration =>
    {
        var received = _configuration = configuration ?? new TerminalConfiguration();
        _events.Enqueue(() => RaiseAsync(ConfigurationChanged, received));
    });
}

/// <summary>
/// Server → terminal <c>ConfigurationChanged</c>: how the merchant wants the terminal set up. Every member may be null: no
/// level of the fleet's configuration sets it, and the terminal keeps its own default.
/// </summary>
public sealed record TerminalConfiguration
{
    /// <summary>The tip presets to offer when a transaction asks for a tip on the terminal without presets of its own.</summary>
    public TippingPresets? Tipping { get; init; }
    /// <summary>Printed at the top of receipts (may have several lines; empty: none).</summary>
    public string? ReceiptHeader { get; init; }
    /// <summary>Printed at the bottom of receipts (may have several lines; empty: none).</summary>
    public string? ReceiptFooter { get; init; }
    /// <summary>The language to show and print in, a BCP 47 tag such as <c>en</c> or <c>en-NZ</c>.</summary>
    public string? Language { get; init; }
    /// <summary>The most to take in one payment while the acquirer cannot be reached.</summary>
    public OfflineLimit? OfflineLimit { get; init; }
}

/// <summary>Tip presets: <see cref="Percentages"/> of the amount or <see cref="FixedAmounts"/> (minor units), and another amount when
/// <see cref="AllowCustom"/> is true.</summary>
public sealed record TippingPresets
{
    public IReadOnlyList<int>? Percentages { get; init; }
    public IReadOnlyList<long>? FixedAmounts { get; init; }
    public bool? AllowCustom { get; init; }
}

/// <summary>An amount in minor units and its ISO 4217 currency.</summary>
public sealed record OfflineLimit(long Amount, string Currency);
