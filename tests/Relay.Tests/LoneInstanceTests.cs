using Npgsql;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// An instance that is alone sends no hints for other instances (a payment's end makes one database transaction fewer),
/// and sends them again as soon as another instance announces itself. The other instance is this test: it listens on
/// its own channel and waits on each payment (a row in relay_interests, as a Prefer: wait request there writes); a
/// marker notified after the terminal's result was acknowledged shows that no hint for it came before.
/// </summary>
public sealed class LoneInstanceTests(LoneInstanceFixture relay) : IClassFixture<LoneInstanceFixture>
{
    [Fact]
    public async Task AloneItSendsNoHintsForOtherInstancesAndSendsThemAgainOnceAnotherAnnouncesItself()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var other = Guid.NewGuid();
        await using var channel = await HintChannel.ListenAsync(relay.ConnectionString, HintChannel.Of(other), "relay");

        async Task<bool> PaymentSentItsHint()
        {
            var id = (await merchant.PurchaseAsync("till-1", 1000).Expect(201)).Str("id");
            await channel.WaitOnAsync("t:" + id, other);
            await terminal.AcceptNextAsync();
            var ack = await terminal.Client.CompleteTransactionAsync(
                new TerminalResult(id, TransactionOutcome.Approved) { ResponseCode = "00" });
            Assert.True(ack.Accepted);
            return (await channel.UntilMarkerAsync()).Contains("t:" + id);
        }

        // Just started, it sends hints (an instance may have announced itself before it listened); then it is alone.
        await Scenario.Eventually(async () => !await PaymentSentItsHint(), "a payment on the lone instance sends no hint", seconds: 40);
        Assert.False(await PaymentSentItsHint());

        // Another instance announces itself (as one does when it starts): hints go out again.
        await channel.NotifyAsync("i:" + other, "relay");
        await Scenario.Eventually(PaymentSentItsHint, "a payment sends its hint once another instance is there", seconds: 8);
    }
}
