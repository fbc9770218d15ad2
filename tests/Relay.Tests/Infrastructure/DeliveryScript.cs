using Relay.Terminal;

namespace Relay.Tests.Infrastructure;

/// <summary>A terminal that was activated and paired, then went away: what it needs to come back.</summary>
public sealed record OfflineTerminal(string TerminalId, string DeviceToken);

/// <summary>Steps the delivery, cancel, result and restart tests share: offline terminals, presence, cancels,
/// a terminal driven by hand.</summary>
public static class DeliveryScript
{
    /// <summary>Creates, activates and pairs a terminal, then disconnects it and waits until the relay sees it offline.</summary>
    public static async Task<OfflineTerminal> NewOfflineTerminalAsync(this RelayFixture relay, Merchant merchant, string registerId)
    {
        var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, registerId);
        await terminal.DisposeAsync();
        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: false);
        return new OfflineTerminal(terminal.TerminalId, terminal.DeviceToken);
    }

    /// <summary>The terminal's <c>online</c> as <c>GET /api/v1/terminals/{id}</c> reports it.</summary>
    public static async Task<bool> TerminalOnlineAsync(this Merchant merchant, string terminalId) =>
        (bool)(await merchant.Http.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200))["online"]!;

    /// <summary>Presence is written by the hub's connect/disconnect callbacks, which run after the SDK call returns.</summary>
    public static Task WaitForPresenceAsync(this Merchant merchant, string terminalId, bool online) =>
        Scenario.Eventually(async () => await merchant.TerminalOnlineAsync(terminalId) == online,
            $"terminal {terminalId} shows online={online}");

    public static Task<HttpResponseMessage> PostCancelAsync(this Merchant merchant, string transactionId) =>
        merchant.Http.PostAsync($"/api/v1/transactions/{transactionId}/cancel", null);

    /// <summary>The merchant's client for the relay that runs now (after <see cref="RelayFixture.RestartAsync"/> the old one points
    /// at a stopped host).</summary>
    public static Merchant OnCurrentRelay(this Merchant merchant, RelayFixture relay) =>
        merchant with { Http = relay.Factory.CreateClient().WithKey(merchant.ApiKey) };

    /// <summary>What a terminal driven by hand takes next: the StartTransaction, acknowledged (and started unless told not to).</summary>
    public static async Task<TerminalTransaction> AcceptNextAsync(this TestTerminal terminal, bool start = true)
    {
        var transaction = await terminal.NextStart();
        Assert.True(await terminal.Client.TransactionReceivedAsync(transaction.Id), "the relay told the terminal not to proceed");
        if (start)
        {
            Assert.Equal("in_progress", await terminal.Client.TransactionStartedAsync(transaction.Id));
        }

        return transaction;
    }

    public static TerminalResult ApprovedResult(string transactionId, long amount) => new(transactionId, TransactionOutcome.Approved)
    {
        ResponseCode = "00",
        ResponseText = "Approved",
        AuthCode = "A1B2C3",
        CardScheme = "visa",
        MaskedPan = "************4242",
        EntryMode = "contactless",
        AmountAuthorised = amount,
    };
}
