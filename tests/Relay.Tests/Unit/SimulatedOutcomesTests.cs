using Relay.Terminal;
using Relay.Terminal.Simulator;

namespace Relay.Tests.Unit;

public sealed class SimulatedOutcomesTests
{
    private static TerminalTransaction Purchase(long amount, TransactionOptions? options = null) =>
        new(Guid.NewGuid().ToString(), TransactionType.Purchase, "till-1", DateTimeOffset.UtcNow.AddMinutes(1))
            { Amount = amount, Currency = "NZD", Options = options };

    [Theory]
    [InlineData(1250, TransactionOutcome.Approved, "00")]
    [InlineData(1251, TransactionOutcome.Declined, "51")]
    [InlineData(1252, TransactionOutcome.Failed, "96")]
    public void TheAmountsLastTwoDigitsDecideTheOutcome(long amount, TransactionOutcome outcome, string responseCode)
    {
        var result = SimulatedOutcomes.Decide(Purchase(amount))!;
        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(responseCode, result.ResponseCode);
    }

    [Fact]
    public void AnAmountEndingIn53HoldsForACancel() => Assert.Null(SimulatedOutcomes.Decide(Purchase(1253)));

    [Fact]
    public void TheSameTransactionAlwaysGetsTheSameAuthCode()
    {
        var transaction = Purchase(500);
        Assert.Equal(SimulatedOutcomes.Decide(transaction)!.AuthCode, SimulatedOutcomes.Decide(transaction)!.AuthCode);
    }

    [Fact]
    public void AnOrdinaryApprovalIsPaidByCardForTheWholeAmount()
    {
        var result = SimulatedOutcomes.Decide(Purchase(1250))!;
        Assert.Equal("card", result.PaymentMethod);
        Assert.Null(result.Wallet);
        Assert.Null(result.Partial);
        Assert.Equal(1250, result.AmountAuthorised);
        Assert.Null(result.SurchargeAmount);
        result.Validate();
    }

    [Fact]
    public void TheOptionsSurchargeIsReportedAndAuthorised()
    {
        var result = SimulatedOutcomes.Decide(Purchase(1250, new TransactionOptions { SurchargeAmount = 40 }) with { TipAmount = 100 })!;
        Assert.Equal(TransactionOutcome.Approved, result.Outcome);
        Assert.Equal(40, result.SurchargeAmount);
        Assert.Equal(100, result.TipAmount);
        Assert.Equal(1250 + 100 + 40, result.AmountAuthorised);
        Assert.Contains("SURCHARGE", result.CustomerReceipt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [InlineData(null)]
    public void AnAmountEndingIn55IsAPartialApprovalOfHalfWhetherOrNotItWasAllowed(bool? allowed)
    {
        // Half of amount + tip, rounded down: 1255 + 100 = 1355 → 677.
        var transaction = Purchase(1255, new TransactionOptions { AllowPartialAuthorisation = allowed }) with { TipAmount = 100 };

        var result = SimulatedOutcomes.Decide(transaction)!;

        Assert.Equal(TransactionOutcome.Approved, result.Outcome);
        Assert.True(result.Partial);
        Assert.Equal("10", result.ResponseCode);
        Assert.Equal("Partial approval", result.ResponseText);
        Assert.Equal(677, result.AmountAuthorised);
        Assert.Equal(100, result.TipAmount);
        Assert.Equal("card", result.PaymentMethod);
        Assert.NotNull(result.AuthCode);
        Assert.Contains("PARTIAL APPROVAL", result.MerchantReceipt);
        result.Validate();
    }

    [Fact]
    public void APartialApprovalWithoutOptionsIsStillReported()
    {
        var result = SimulatedOutcomes.Decide(Purchase(1255))!;
        Assert.True(result.Partial);
        Assert.Equal(627, result.AmountAuthorised);
    }

    [Fact]
    public void APartialApprovalTheRelayRefusedIsReversedAndDeclined()
    {
        var transaction = Purchase(1255, new TransactionOptions { AllowPartialAuthorisation = false });

        var reversed = SimulatedOutcomes.PartialReversed(transaction);

        Assert.Equal(transaction.Id, reversed.TransactionId);
        Assert.Equal(TransactionOutcome.Declined, reversed.Outcome);
        Assert.Equal("PA", reversed.ResponseCode);
        Assert.Equal("Partial approval not allowed; reversed", reversed.ResponseText);
        Assert.NotEqual(true, reversed.Partial);
        Assert.Null(reversed.AmountAuthorised);
        Assert.Null(reversed.AuthCode);
        reversed.Validate();
    }

    [Theory]
    [InlineData(10, 126)] // 125.6 rounds up
    [InlineData(15, 188)] // 188.4 rounds down
    public void AnAmountEndingIn56TipsTheFirstPercentageOnTheTerminal(int percentage, long tip)
    {
        var tipping = new TippingOptions(OnTerminal: true) { Percentages = [percentage, 20], FixedAmounts = [300] };
        var transaction = Purchase(1256, new TransactionOptions { Tipping = tipping });

        var result = SimulatedOutcomes.Decide(transaction)!;

        Assert.Equal(TransactionOutcome.Approved, result.Outcome);
        Assert.Equal("00", result.ResponseCode);
        Assert.Equal(tip, result.TipAmount);
        Assert.Equal(1256 + tip, result.AmountAuthorised);
        Assert.Equal(new ChosenTip(tip, $"{percentage}%"), SimulatedOutcomes.TipOnTerminal(transaction));
        Assert.Contains("TIP", result.CustomerReceipt);
        result.Validate();
    }

    [Fact]
    public void AnAmountEndingIn56WithoutPercentagesTipsTheFirstFixedAmount()
    {
        var tipping = new TippingOptions(OnTerminal: true) { FixedAmounts = [200, 500], AllowCustom = true };
        var transaction = Purchase(1256, new TransactionOptions { Tipping = tipping, SurchargeAmount = 25 });

        var result = SimulatedOutcomes.Decide(transaction)!;

        Assert.Equal(200, result.TipAmount);
        Assert.Equal(25, result.SurchargeAmount);
        Assert.Equal(1256 + 200 + 25, result.AmountAuthorised);
    }

    public static TheoryData<TransactionOptions?> NoTippingOnTheTerminal() => new()
    {
        null,
        new TransactionOptions(),
        new TransactionOptions { Tipping = new TippingOptions(OnTerminal: false) { Percentages = [10] } },
        new TransactionOptions { Tipping = new TippingOptions(OnTerminal: true) },
    };

    [Theory]
    [MemberData(nameof(NoTippingOnTheTerminal))]
    public void AnAmountEndingIn56WithoutTippingOnTheTerminalIsAnOrdinaryApproval(TransactionOptions? options)
    {
        var transaction = Purchase(1256, options);

        var result = SimulatedOutcomes.Decide(transaction)!;

        Assert.Equal(TransactionOutcome.Approved, result.Outcome);
        Assert.Null(result.TipAmount);
        Assert.Equal(1256, result.AmountAuthorised);
        Assert.Equal("card", result.PaymentMethod);
        Assert.Null(SimulatedOutcomes.TipOnTerminal(transaction));
    }

    [Fact]
    public void OnlyAnAmountEndingIn56GetsATipOnTheTerminal()
    {
        var tipping = new TippingOptions(OnTerminal: true) { Percentages = [10] };
        var result = SimulatedOutcomes.Decide(Purchase(1250, new TransactionOptions { Tipping = tipping }))!;
        Assert.Null(result.TipAmount);
        Assert.Equal(1250, result.AmountAuthorised);
    }

    [Fact]
    public void AnAmountEndingIn57IsPaidByAQrWallet()
    {
        var transaction = Purchase(1257);

        var result = SimulatedOutcomes.Decide(transaction)!;

        Assert.True(SimulatedOutcomes.PaysByQr(transaction));
        Assert.Equal(TransactionOutcome.Approved, result.Outcome);
        Assert.Equal("00", result.ResponseCode);
        Assert.Equal("qr", result.PaymentMethod);
        Assert.Equal("alipay", result.Wallet);
        Assert.Equal("qr", result.EntryMode);
        Assert.Null(result.CardScheme);
        Assert.Null(result.MaskedPan);
        Assert.Equal(1257, result.AmountAuthorised);
        Assert.DoesNotContain("VISA", result.CustomerReceipt);
        Assert.Contains("ALIPAY", result.CustomerReceipt);
        result.Validate();
    }

    [Fact]
    public void AnAmountEndingIn57PaysByQrWhenTheOptionsAllowIt()
    {
        var allowed = Purchase(1257, new TransactionOptions { PaymentMethods = ["card", "qr"], SurchargeAmount = 10 });
        var result = SimulatedOutcomes.Decide(allowed)!;
        Assert.Equal("qr", result.PaymentMethod);
        Assert.Equal(1257 + 10, result.AmountAuthorised);

        // A terminal offers only what the POS allows: without qr the customer pays by card.
        var cardOnly = Purchase(1257, new TransactionOptions { PaymentMethods = ["card"] });
        Assert.False(SimulatedOutcomes.PaysByQr(cardOnly));
        Assert.Equal("card", SimulatedOutcomes.Decide(cardOnly)!.PaymentMethod);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("terminal", true)]
    [InlineData("pos", false)]
    [InlineData("none", false)]
    public void ReceiptsPrintOnTheTerminalUnlessThePosPrintsThemOrWantsNone(string? printReceipt, bool printed)
    {
        var transaction = Purchase(1250, new TransactionOptions { PrintReceipt = printReceipt });
        Assert.Equal(printed, SimulatedOutcomes.PrintsReceipts(transaction));
        Assert.NotNull(SimulatedOutcomes.Decide(transaction)!.CustomerReceipt); // the result carries them either way
    }
}
