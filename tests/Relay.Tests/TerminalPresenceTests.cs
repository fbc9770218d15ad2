using Microsoft.AspNetCore.SignalR.Client;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// Presence under many connects and disconnects at once, which the relay writes together (one database call for all
/// the changes queued meanwhile) and must still apply in the order they happened.
/// </summary>
public sealed class TerminalPresenceTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const int Terminals = 24;

    [Fact]
    public async Task TerminalsDroppingAndReconnectingAllAtOnceEndOnlineWithEachChangeAnEventInOrder()
    {
        var merchant = await relay.NewMerchantAsync();
        var first = await Task.WhenAll(Enumerable.Range(0, Terminals).Select(_ => relay.NewTerminalAsync(merchant, simulate: false)));
        // A connect returns at the handshake, before the relay has taken the connection on (OnConnectedAsync): each step
        // waits for the relay to have seen the one before, or a connection closed before the relay recorded it ends up
        // recorded after the next connect opened, which then took the terminal over with no offline between.
        await Scenario.Eventually(async () => (await OnlineAsync(merchant)).Count == Terminals, "every terminal shows online");

        // All at once: every terminal's old connection closes, then each comes back.
        await Task.WhenAll(first.Select(t => t.DisposeAsync().AsTask()));
        await Scenario.Eventually(async () => (await OnlineAsync(merchant)).Count == 0, "every terminal shows offline");
        // Replaced below by a newer connection, these must not reconnect and replace that one in turn, as the SDK would
        // (each device fighting for its terminal): plain SignalR connections, which never reconnect.
        var second = await Task.WhenAll(first.Select(t => relay.ConnectRawAsync(t.DeviceToken)));
        await Scenario.Eventually(async () => (await OnlineAsync(merchant)).Count == Terminals, "every terminal shows online again");

        // All at once again, the other way round: each terminal's new connection opens before its old one closes, so the
        // late disconnect must not take the terminal offline (it is one change behind the connect). The relay closes the
        // old one when it takes the new one on; closing it here instead could come first, the new one not yet taken on.
        var third = await Task.WhenAll(first.Select(t => relay.ConnectAsync(t.TerminalId, t.DeviceToken, simulate: false)));
        await Scenario.Eventually(() => Task.FromResult(second.All(c => c.State == HubConnectionState.Disconnected)),
            "the relay closed every replaced connection");
        await Task.WhenAll(second.Select(c => c.DisposeAsync().AsTask()));

        await Scenario.Eventually(async () => (await OnlineAsync(merchant)).Count == Terminals, "every terminal shows online");
        foreach (var terminal in first)
        {
            var events = await merchant.Http.GetAsync($"/api/v1/events?after=0&terminalId={terminal.TerminalId}").Expect(200);
            Assert.Equal(["terminal.online", "terminal.offline", "terminal.online"],
                events["items"]!.AsArray().Select(e => e!.Str("type")));
        }

        Assert.Equal(first.Select(t => t.TerminalId).Order(), (await OnlineAsync(merchant)).Order());
        await Task.WhenAll(third.Select(t => t.DisposeAsync().AsTask()));
    }

    private static async Task<List<string>> OnlineAsync(Merchant merchant)
    {
        var page = await merchant.Http.GetAsync("/api/v1/terminals?online=true&limit=100").Expect(200);
        return page["items"]!.AsArray().Select(t => t!.Str("id")).ToList();
    }
}
