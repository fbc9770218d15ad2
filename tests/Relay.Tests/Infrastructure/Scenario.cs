using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Relay.Terminal;
using Relay.Terminal.Simulator;

namespace Relay.Tests.Infrastructure;

/// <summary>A merchant as a POS sees it: its HTTP client and API key.</summary>
public sealed record Merchant(HttpClient Http, string AccountId, string ApiKey);

/// <summary>Builds each test's own data through the public API: accounts, terminals, pairings.</summary>
public static class Scenario
{
    public static HttpClient Admin(this RelayFixture relay) => relay.Factory.CreateClient().WithKey(RelayFactory.AdminKey);

    public static async Task<Merchant> NewMerchantAsync(this RelayFixture relay)
    {
        var account = await relay.Admin().PostJson("/api/v1/accounts", new { name = "Merchant " + Guid.NewGuid().ToString("N")[..6] })
            .Expect(201);
        return new Merchant(relay.Factory.CreateClient().WithKey(account.Str("apiKey")), account.Str("id"), account.Str("apiKey"));
    }

    public static async Task<string> NewActivationCodeAsync(this Merchant merchant, string label = "Till terminal")
    {
        var terminal = await merchant.Http.PostJson("/api/v1/terminals", new { label }).Expect(201);
        return terminal.Str("activationCode");
    }

    /// <summary>Creates, activates and connects a terminal (with the simulator driving it unless
    /// <paramref name="simulate"/> is false).</summary>
    public static async Task<TestTerminal> NewTerminalAsync(this RelayFixture relay, Merchant merchant, bool simulate = true,
        TimeSpan? delay = null, TimeSpan? signatureTimeout = null)
    {
        var code = await merchant.NewActivationCodeAsync();
        var activation = await TerminalActivation.ActivateAsync(relay.Factory.CreateClient(), relay.Factory.Server.BaseAddress, code,
            "SN-" + Guid.NewGuid().ToString("N")[..8]);
        var terminal = await relay.ConnectAsync(activation.TerminalId, activation.DeviceToken, simulate: simulate, delay: delay,
            signatureTimeout: signatureTimeout);
        await merchant.Http.UntilOnlineAsync(terminal.TerminalId);
        return terminal;
    }

    /// <summary>
    /// Waits until the relay shows the terminal online. The SignalR handshake completes before the relay records the connection
    /// (the hub's OnConnectedAsync), so right after the connect a request may still find the terminal offline, and a terminal
    /// disconnected at once may show online a moment later, once its connect is written.
    /// </summary>
    public static Task UntilOnlineAsync(this HttpClient merchant, string terminalId) =>
        Eventually(async () => (bool)(await merchant.GetAsync($"/api/v1/terminals/{terminalId}").Expect(200))["online"]!,
            $"terminal {terminalId} shows online");

    /// <summary>Connects a terminal with the SDK; the WebSocket always goes to the relay that runs now,
    /// so restarts are seen as reconnects.</summary>
    public static Task<TestTerminal> ConnectAsync(this RelayFixture relay, string terminalId, string deviceToken,
        string? outboxDirectory = null, bool simulate = true, TimeSpan? delay = null, TimeSpan? signatureTimeout = null) =>
        ConnectAsync(relay.Factory.Server.BaseAddress, (uri, token, ct) => relay.OpenWebSocketAsync(uri, "Bearer " + token, ct),
            terminalId, deviceToken, outboxDirectory, simulate, delay, signatureTimeout);

    /// <summary>Connects a terminal with the SDK to the relay at <paramref name="relayUrl"/>, through
    /// <paramref name="webSocketFactory"/> (null: the SignalR client's own WebSocket, for a relay on a real socket).</summary>
    public static async Task<TestTerminal> ConnectAsync(Uri relayUrl,
        Func<Uri, string, CancellationToken, ValueTask<WebSocket>>? webSocketFactory, string terminalId, string deviceToken,
        string? outboxDirectory = null, bool simulate = true, TimeSpan? delay = null,
        TimeSpan? signatureTimeout = null)
    {
        outboxDirectory ??= Directory.CreateTempSubdirectory("relay-outbox-").FullName;
        var client = new RelayTerminalClient(new RelayTerminalOptions
        {
            RelayUrl = relayUrl,
            DeviceToken = deviceToken,
            OutboxDirectory = outboxDirectory,
            ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250)],
            WebSocketFactory = webSocketFactory,
        });
        var terminal = new TestTerminal(terminalId, deviceToken, outboxDirectory, client);
        if (simulate)
        {
            var wait = delay ?? TimeSpan.FromMilliseconds(20);
            terminal.Simulator = new SimulatedTerminal(client, new SimulatorOptions
            {
                CardDelay = wait, PinDelay = wait, SignatureTimeout = signatureTimeout ?? TimeSpan.FromSeconds(30),
                RelayPatience = TimeSpan.FromSeconds(Patience), // the tests check every report: a busy machine must not drop one
            }, terminal.Output);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(Patience));
        await client.StartAsync(cts.Token);
        return terminal;
    }

    /// <summary>Pairs a register with the terminal the way a cashier does: code from the terminal, typed into the POS.</summary>
    public static async Task<JsonNode> PairAsync(this Merchant merchant, TestTerminal terminal, string registerId,
        string? registerName = null)
    {
        var code = await terminal.Client.RequestPairingCodeAsync();
        return await merchant.Http.PostJson("/api/v1/pairings",
            new { pairingCode = code.Code, registerId, registerName = registerName ?? registerId }).Expect(201);
    }

    public static Task<HttpResponseMessage> PurchaseAsync(this Merchant merchant, string registerId, long amount, int? wait = null,
        string? key = null, int? expiresInSeconds = null) =>
        merchant.Http.PostJson("/api/v1/transactions",
            new { registerId, type = "purchase", amount, currency = "NZD", expiresInSeconds },
            key ?? Guid.NewGuid().ToString(), wait);

    public static async Task<JsonNode> GetTransactionAsync(this Merchant merchant, string id, int? wait = null) =>
        await (wait is null
            ? merchant.Http.GetAsync($"/api/v1/transactions/{id}")
            : merchant.Http.GetWaiting($"/api/v1/transactions/{id}", wait.Value)).Expect(200);

    /// <summary>
    /// How long a test waits, at most, for something that should happen (seconds): generous, since it bounds a failure only and a
    /// shared 2-core CI machine can be several times slower than a developer's, with stalls of seconds.
    /// </summary>
    public const int Patience = 30;

    /// <summary>Polls until the condition holds (state that settles asynchronously, such as presence), failing after the timeout.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what, int seconds = Patience)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }
}
