namespace Relay.Terminal.Simulator;

// The fleet configuration as the simulator uses it: printed when it arrives, its receipt header and footer on every receipt,
// its tip presets for a payment that asks for a tip on the terminal without presets of its own.
public sealed partial class SimulatedTerminal
{
    private Task OnConfigurationChangedAsync(TerminalConfiguration configuration)
    {
        _output.Print("configuration: " + SimulatedConfiguration.Describe(configuration));
        return Task.CompletedTask;
    }

    /// <summary>The transaction as the simulator runs it: with the configuration's tip presets where it needs them.</summary>
    private TerminalTransaction Configured(TerminalTransaction transaction)
    {
        var configured = SimulatedConfiguration.WithTipPresets(transaction, _client.Configuration);
        if (!ReferenceEquals(configured, transaction) && configured.Options?.Tipping is { } tipping)
        {
            _output.Print($"{Tag(transaction.Id)} tip presets from the configuration: {TipPresets(tipping, transaction.Currency)}");
        }

        return configured;
    }

    /// <summary>The result with the configuration's receipt header and footer on its receipts.</summary>
    private TerminalResult Configured(TerminalResult result) => SimulatedConfiguration.WithReceiptTexts(result, _client.Configuration);
}

/// <summary>What the fleet configuration changes in the simulator's payments.</summary>
public static class SimulatedConfiguration
{
    /// <summary>
    /// A transaction that asks for a tip on the terminal and brings no presets (no percentages, no fixed amounts) gets the
    /// configuration's; its own allowCustom, when it says, stands. Any other transaction is returned as it is.
    /// </summary>
    public static TerminalTransaction WithTipPresets(TerminalTransaction transaction, TerminalConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Options is not { Tipping: { OnTerminal: true } tipping } options || tipping.Percentages is [_, ..]
            || tipping.FixedAmounts is [_, ..] || configuration?.Tipping is not { } presets)
        {
            return transaction;
        }

        return transaction with
        {
            Options = options with
            {
                Tipping = tipping with
                {
                    Percentages = presets.Percentages, FixedAmounts = presets.FixedAmounts,
                    AllowCustom = tipping.AllowCustom ?? presets.AllowCustom,
                },
            },
        };
    }

    /// <summary>The receipts with the header on top and the footer below (an empty or missing one adds nothing).</summary>
    public static TerminalResult WithReceiptTexts(TerminalResult result, TerminalConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (configuration is not { ReceiptHeader: { Length: > 0 } } and not { ReceiptFooter: { Length: > 0 } })
        {
            return result;
        }

        string? Framed(string? receipt) => receipt is null ? null : string.Join('\n',
            new[] { configuration.ReceiptHeader, receipt, configuration.ReceiptFooter }.Where(p => p is { Length: > 0 }));
        return result with { MerchantReceipt = Framed(result.MerchantReceipt), CustomerReceipt = Framed(result.CustomerReceipt) };
    }

    /// <summary>The configuration on one line: <c>tipping 10/15/20% or custom, header "Kōwhai Café | 12 Queen St", language
    /// en-NZ</c>.</summary>
    public static string Describe(TerminalConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var parts = new List<string>();
        if (configuration.Tipping is { } tipping)
        {
            var presets = new List<string>();
            if (tipping.Percentages is [_, ..] percentages) presets.Add(string.Join('/', percentages) + "%");
            if (tipping.FixedAmounts is [_, ..] amounts) presets.Add(string.Join('/', amounts.Select(a => Money.Amount(a, null))));
            if (tipping.AllowCustom == true) presets.Add("custom");
            parts.Add("tipping " + (presets.Count == 0 ? "without presets" : string.Join(" or ", presets)));
        }

        if (configuration.ReceiptHeader is { } header) parts.Add($"header \"{OneLine(header)}\"");
        if (configuration.ReceiptFooter is { } footer) parts.Add($"footer \"{OneLine(footer)}\"");
        if (configuration.Language is { } language) parts.Add("language " + language);
        if (configuration.OfflineLimit is { } limit) parts.Add("offline limit " + Money.Format(limit.Amount, limit.Currency));
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    private static string OneLine(string text) => string.Join(" | ", text.ReplaceLineEndings("\n").Split('\n'));
}
