using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class TerminalRemovalTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task RemovingATerminalRevokesItEndsItsPairingsCancelsItsPendingTransactionAndClosesItsConnection()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PairAsync(terminal, "till-2");
        var pending = (await merchant.PurchaseAsync("till-1", 1000).Expect(201)).Str("id");
        Assert.Equal(pending, (await terminal.NextStart()).Id); // seen, never acknowledged: still pending
        Assert.Equal("pending", (await merchant.GetTransactionAsync(pending)).Str("status"));

        await merchant.Http.DeleteAsync($"/api/v1/terminals/{terminal.TerminalId}").Expect(204);

        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{terminal.TerminalId}").Expect(200);
        Assert.Equal("removed", shown.Str("status"));
        Assert.False((bool)shown["online"]!);
        Assert.Empty(shown["registers"]!.AsArray());
        Assert.Equal("cancelled", (await merchant.GetTransactionAsync(pending)).Str("status"));
        await merchant.Http.GetAsync("/api/v1/registers/till-1/pairing").ExpectProblem(404, "register-not-paired");
        await merchant.Http.GetAsync("/api/v1/registers/till-2/pairing").ExpectProblem(404, "register-not-paired");
        Assert.Empty((await merchant.Http.GetAsync($"/api/v1/pairings?terminalId={terminal.TerminalId}").Expect(200))["items"]!.AsArray());
        await Scenario.Eventually(() => Task.FromResult(!terminal.Client.IsConnected), "the removed terminal's connection is closed");
        Assert.False(await relay.HubAcceptsAsync(terminal.DeviceToken), "the hub still accepts the removed terminal's token");
        Assert.False(await relay.SdkConnectsWithinAsync(terminal.DeviceToken, TimeSpan.FromSeconds(2)),
            "the removed terminal connected again");
        await merchant.PurchaseAsync("till-1", 1000).ExpectProblem(404, "register-not-paired");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RemovingATerminalWithAnAcknowledgedTransactionIsRefusedAndChangesNothing(bool started)
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1000).Expect(201)).Str("id");
        Assert.Equal(id, (await terminal.NextStart()).Id);
        Assert.True(await terminal.Client.TransactionReceivedAsync(id));
        if (started)
        {
            Assert.Equal("in_progress", await terminal.Client.TransactionStartedAsync(id));
        }

        var status = started ? "in_progress" : "delivered";

        await merchant.Http.DeleteAsync($"/api/v1/terminals/{terminal.TerminalId}").ExpectProblem(409, "terminal-busy");

        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{terminal.TerminalId}").Expect(200);
        Assert.Equal("activated", shown.Str("status"));
        Assert.True((bool)shown["online"]!);
        Assert.Equal(new[] { "till-1" }, shown["registers"]!.AsArray().Select(r => (string)r!));
        var pairing = await merchant.Http.GetAsync("/api/v1/registers/till-1/pairing").Expect(200);
        Assert.Equal(terminal.TerminalId, pairing.Str("terminalId"));
        Assert.Equal(status, (await merchant.GetTransactionAsync(id)).Str("status"));
        Assert.True(terminal.Client.IsConnected);
        Assert.True(await relay.HubAcceptsAsync(terminal.DeviceToken), "the refused removal revoked the token");

        // The device is still the terminal: its result is taken, and then the removal goes through.
        var ack = await terminal.Client.CompleteTransactionAsync(
            new TerminalResult(id, TransactionOutcome.Approved) { ResponseCode = "00" });
        Assert.True(ack.Accepted);
        Assert.Equal("approved", (await merchant.GetTransactionAsync(id)).Str("status"));
        await merchant.Http.DeleteAsync($"/api/v1/terminals/{terminal.TerminalId}").Expect(204);
    }

    [Fact]
    public async Task ARemovedTerminalGetsNoNewActivationCodeAndItsOldCodeStopsWorking()
    {
        var merchant = await relay.NewMerchantAsync();
        var created = await merchant.Http.PostJson("/api/v1/terminals", new { label = "Spare" }).Expect(201);
        var id = created.Str("id");

        await merchant.Http.DeleteAsync($"/api/v1/terminals/{id}").Expect(204);

        await merchant.Http.PostAsync($"/api/v1/terminals/{id}/activation-code", null).ExpectProblem(409, "terminal-removed");
        await relay.ActivateAsync(created.Str("activationCode")).ExpectProblem(400, "activation-code-invalid");
        Assert.Equal("removed", (await merchant.Http.GetAsync($"/api/v1/terminals/{id}").Expect(200)).Str("status"));
    }
}
