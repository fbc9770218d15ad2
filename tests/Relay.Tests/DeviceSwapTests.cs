using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

public sealed class DeviceSwapTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task ActivatingANewDeviceRevokesTheOldOneAndKeepsTheTerminalAndItsPairings()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var deviceA = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(deviceA, "till-1");

        var code = await merchant.Http.PostAsync($"/api/v1/terminals/{deviceA.TerminalId}/activation-code", null).Expect(201);
        Assert.False(string.IsNullOrWhiteSpace(code.Str("activationCode")));
        Assert.NotNull(code["activationCodeExpiresAt"]);
        var activation = await relay.ActivateAsync(code.Str("activationCode"), "SN-DEVICE-B", "Model B").Expect(200);

        Assert.Equal(deviceA.TerminalId, activation.Str("terminalId"));
        await Scenario.Eventually(() => Task.FromResult(!deviceA.Client.IsConnected), "device A's connection is closed");
        Assert.False(await relay.HubAcceptsAsync(deviceA.DeviceToken), "the hub still accepts device A's token");
        Assert.False(await relay.SdkConnectsWithinAsync(deviceA.DeviceToken, TimeSpan.FromSeconds(2)),
            "device A connected again with its old token");

        await using var deviceB = await relay.ConnectAsync(deviceA.TerminalId, activation.Str("deviceToken"), simulate: false);
        await merchant.WaitForPresenceAsync(deviceA.TerminalId, online: true); // recorded just after the handshake
        var pairing = Assert.Single((await merchant.Http.GetAsync("/api/v1/pairings?registerId=till-1").Expect(200))["items"]!.AsArray());
        Assert.Equal(deviceA.TerminalId, pairing!.Str("terminalId"));
        var terminal = await merchant.Http.GetAsync($"/api/v1/terminals/{deviceA.TerminalId}").Expect(200);
        Assert.Equal("activated", terminal.Str("status"));
        Assert.Equal("SN-DEVICE-B", terminal.Str("serialNumber"));
        Assert.Equal("Model B", terminal.Str("model"));
        Assert.True((bool)terminal["online"]!);
        Assert.Equal(new[] { "till-1" }, terminal["registers"]!.AsArray().Select(r => (string)r!));

        var purchase = await merchant.PurchaseAsync("till-1", 1500).Expect(201);
        var start = await deviceB.NextStart();
        Assert.Equal(purchase.Str("id"), start.Id);
        Assert.True(await deviceB.Client.TransactionReceivedAsync(start.Id));
        var ack = await deviceB.Client.CompleteTransactionAsync(
            new TerminalResult(start.Id, TransactionOutcome.Approved) { ResponseCode = "00" });
        Assert.True(ack.Accepted);
        Assert.Equal("approved", (await merchant.GetTransactionAsync(start.Id)).Str("status"));
    }

    [Fact]
    public async Task APendingTransactionTheOldDeviceNeverAcknowledgedGoesToTheNewDevice()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var deviceA = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(deviceA, "till-1");
        var purchase = await merchant.PurchaseAsync("till-1", 1500).Expect(201);
        Assert.Equal(purchase.Str("id"), (await deviceA.NextStart()).Id); // seen, never acknowledged

        await using var deviceB = await SwapAsync(merchant, deviceA);

        var start = await deviceB.NextStart();
        Assert.Equal(purchase.Str("id"), start.Id);
        Assert.True(await deviceB.Client.TransactionReceivedAsync(start.Id));
        Assert.Equal("delivered", (await merchant.GetTransactionAsync(start.Id)).Str("status"));
    }

    [Fact]
    public async Task ATransactionTheOldDeviceAcknowledgedStaysOpenUntilAnOperatorResolvesIt()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var deviceA = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(deviceA, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 4200).Expect(201)).Str("id");
        Assert.Equal(id, (await deviceA.NextStart()).Id);
        Assert.True(await deviceA.Client.TransactionReceivedAsync(id));

        await using var deviceB = await SwapAsync(merchant, deviceA);

        Assert.True(await deviceB.NoStartWithin(TimeSpan.FromMilliseconds(500)), "the new device was sent the old device's transaction");
        var stranded = await merchant.GetTransactionAsync(id);
        Assert.Equal("delivered", stranded.Str("status"));
        Assert.Null(stranded["result"]);
        await merchant.PurchaseAsync("till-1", 100).ExpectProblem(409, "terminal-busy");

        var note = "Acquirer report checked: not charged.";
        await merchant.Http.PostJson($"/api/v1/transactions/{id}/resolve", new { outcome = "declined", note })
            .ExpectProblem(401, "unauthenticated");
        Assert.Equal("delivered", (await merchant.GetTransactionAsync(id)).Str("status"));

        var resolved = await relay.Admin().PostJson($"/api/v1/transactions/{id}/resolve", new { outcome = "declined", note }).Expect(200);

        Assert.Equal("declined", resolved.Str("status"));
        var resolution = resolved["resolution"]!;
        Assert.Equal("declined", resolution.Str("outcome"));
        Assert.Equal(note, resolution.Str("note"));
        Assert.True(DateTimeOffset.TryParse(resolution.Str("resolvedAt"), out _));
        Assert.Null(resolved["result"]); // the relay does not invent a terminal result
        Assert.NotNull(resolved["completedAt"]);
        var seenByPos = await merchant.GetTransactionAsync(id);
        Assert.Equal("declined", seenByPos.Str("status"));
        Assert.Equal(note, seenByPos["resolution"]!.Str("note"));

        await relay.Admin().PostJson($"/api/v1/transactions/{id}/resolve", new { outcome = "approved", note = "second thoughts" })
            .ExpectProblem(409, "transaction-final");
        Assert.Equal("declined", (await merchant.GetTransactionAsync(id)).Str("status"));

        // The terminal is free again, for the new device.
        var next = await merchant.PurchaseAsync("till-1", 100).Expect(201);
        Assert.Equal(next.Str("id"), (await deviceB.NextStart()).Id);
    }

    [Fact]
    public async Task ResolvingATransactionWhoseDeviceCanStillReportIsRefused()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 4200).Expect(201)).Str("id");
        Assert.Equal(id, (await terminal.NextStart()).Id);
        Assert.True(await terminal.Client.TransactionReceivedAsync(id));

        await relay.Admin().PostJson($"/api/v1/transactions/{id}/resolve", new { outcome = "declined", note = "too early" })
            .ExpectProblem(409, "transaction-not-stranded");

        var transaction = await merchant.GetTransactionAsync(id);
        Assert.Equal("delivered", transaction.Str("status"));
        Assert.Null(transaction["resolution"]);
        var ack = await terminal.Client.CompleteTransactionAsync(
            new TerminalResult(id, TransactionOutcome.Approved) { ResponseCode = "00" });
        Assert.True(ack.Accepted);
    }

    [Fact]
    public async Task ResolvingAFinalTransactionIsRefused()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1");
        var approved = await merchant.PurchaseAsync("till-1", 1250, wait: 30).Expect(201);
        Assert.Equal("approved", approved.Str("status"));

        await relay.Admin().PostJson($"/api/v1/transactions/{approved.Str("id")}/resolve", new { outcome = "declined", note = "no" })
            .ExpectProblem(409, "transaction-final");

        var transaction = await merchant.GetTransactionAsync(approved.Str("id"));
        Assert.Equal("approved", transaction.Str("status"));
        Assert.Null(transaction["resolution"]);
    }

    [Fact]
    public async Task ResolvingAnUnknownTransactionIsNotFound()
    {
        await relay.Admin().PostJson($"/api/v1/transactions/{Guid.NewGuid()}/resolve", new { outcome = "declined", note = "?" })
            .ExpectProblem(404, "not-found");
    }

    /// <summary>Moves the terminal to a new device: a new activation code, activated and connected as device B;
    /// device A is cut off.</summary>
    private async Task<TestTerminal> SwapAsync(Merchant merchant, TestTerminal deviceA)
    {
        var code = await merchant.Http.PostAsync($"/api/v1/terminals/{deviceA.TerminalId}/activation-code", null).Expect(201);
        var activation = await relay.ActivateAsync(code.Str("activationCode"), "SN-DEVICE-B").Expect(200);
        Assert.Equal(deviceA.TerminalId, activation.Str("terminalId"));
        await Scenario.Eventually(() => Task.FromResult(!deviceA.Client.IsConnected), "device A's connection is closed");
        return await relay.ConnectAsync(deviceA.TerminalId, activation.Str("deviceToken"), simulate: false);
    }
}
