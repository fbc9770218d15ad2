using Relay.Api.Cluster;
using Relay.Terminal;
using Relay.Terminal.Simulator;

namespace Relay.Tests.Unit;

public sealed class SimulatedConfigurationTests
{
    private static readonly TerminalConfiguration Configured = new()
    {
        Tipping = new TippingPresets { Percentages = [10, 15], AllowCustom = true },
        ReceiptHeader = "KŌWHAI CAFÉ",
        ReceiptFooter = "Thank you!",
    };

    private static TerminalTransaction Purchase(TippingOptions? tipping) =>
        new(Guid.NewGuid().ToString(), TransactionType.Purchase, "till-1", DateTimeOffset.UtcNow.AddMinutes(1))
            { Amount = 1256, Currency = "NZD", Options = new TransactionOptions { Tipping = tipping } };

    [Fact]
    public void ATipAskedOnTheTerminalWithoutPresetsTakesTheConfigurations()
    {
        var tipping = SimulatedConfiguration.WithTipPresets(Purchase(new TippingOptions(true)), Configured).Options!.Tipping!;
        Assert.Equal([10, 15], tipping.Percentages!);
        Assert.True(tipping.AllowCustom);
        Assert.Equal(126, SimulatedOutcomes.TipOnTerminal(SimulatedConfiguration.WithTipPresets(
            Purchase(new TippingOptions(true) { AllowCustom = false }), Configured))!.Amount);
        Assert.False(SimulatedConfiguration.WithTipPresets(Purchase(new TippingOptions(true) { AllowCustom = false }), Configured)
            .Options!.Tipping!.AllowCustom); // the transaction's own word stands
    }

    [Fact]
    public void ATransactionWithPresetsOrWithoutATipOnTheTerminalIsLeftAsItIs()
    {
        foreach (var transaction in new[]
                 {
                     Purchase(new TippingOptions(true) { FixedAmounts = [300] }), Purchase(new TippingOptions(false)), Purchase(null),
                 })
        {
            Assert.Same(transaction, SimulatedConfiguration.WithTipPresets(transaction, Configured));
        }

        var unconfigured = Purchase(new TippingOptions(true));
        Assert.Same(unconfigured, SimulatedConfiguration.WithTipPresets(unconfigured, new TerminalConfiguration()));
        Assert.Same(unconfigured, SimulatedConfiguration.WithTipPresets(unconfigured, null));
    }

    [Fact]
    public void ReceiptsGetTheHeaderOnTopAndTheFooterBelow()
    {
        var result = new TerminalResult("t", TransactionOutcome.Approved) { MerchantReceipt = "APPROVED\nMERCHANT COPY" };
        var framed = SimulatedConfiguration.WithReceiptTexts(result, Configured);
        Assert.Equal("KŌWHAI CAFÉ\nAPPROVED\nMERCHANT COPY\nThank you!", framed.MerchantReceipt);
        Assert.Null(framed.CustomerReceipt);
        Assert.Equal("APPROVED\nMERCHANT COPY\nThank you!",
            SimulatedConfiguration.WithReceiptTexts(result, Configured with { ReceiptHeader = "" }).MerchantReceipt);
        Assert.Same(result, SimulatedConfiguration.WithReceiptTexts(result, new TerminalConfiguration()));
    }

    [Fact]
    public void TheConfigurationIsDescribedOnOneLine()
    {
        Assert.Equal("none", SimulatedConfiguration.Describe(new TerminalConfiguration()));
        Assert.Equal("tipping 10/15% or custom, header \"A | B\", footer \"Thank you!\", language en-NZ, offline limit NZD 100.00",
            SimulatedConfiguration.Describe(Configured with
            {
                ReceiptHeader = "A\r\nB", Language = "en-NZ", OfflineLimit = new OfflineLimit(10000, "NZD"),
            }));
    }

    [Theory]
    [InlineData("account", "")]
    [InlineData("store", "store:with:colons")]
    [InlineData("terminal", "0193a0b4-1111-7000-8000-00000000beef")]
    public void AConfigurationHintSurvivesItsPayload(string scope, string key)
    {
        var hint = new PeerHint.ConfigurationChanged(Guid.NewGuid(), Guid.NewGuid(), scope, key);
        Assert.Equal(hint, PeerHint.Decode(hint.Encode()));
    }
}
