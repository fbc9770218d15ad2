using Relay.Terminal;
using Relay.Terminal.Simulator;

namespace Relay.Tests.Unit;

public sealed class SimulatedOutcomesTests
{
    private static TerminalTransaction Purchase(long amount) =>
        new(Guid.NewGuid().ToString(), TransactionType.Purchase, "till-1", DateTimeOffset.UtcNow.AddMinutes(1))
            { Amount = amount, Currency = "NZD" };

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
}
