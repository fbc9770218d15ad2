using Microsoft.Playwright;
using Relay.Terminal;
using Relay.Terminal.Simulator;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// The dashboard in a real browser: Debian's Chromium (RELAY_CHROMIUM, default /usr/bin/chromium; scripts/test.sh installs
/// it) driven by Playwright, against the relay on a real socket with the SDK and the simulator as the terminal.
/// </summary>
public sealed class DashboardBrowserTests(KestrelRelayFixture relay) : IClassFixture<KestrelRelayFixture>
{
    private static readonly string Chromium = Environment.GetEnvironmentVariable("RELAY_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>Where the screenshots go: RELAY_SCREENSHOTS, else beside the test binaries.</summary>
    private static readonly string Screenshots = Environment.GetEnvironmentVariable("RELAY_SCREENSHOTS")
        ?? Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task AMerchantSignsInSeesItsTerminalOnlineWatchesAPaymentArriveAndSeesTheTerminalGoOffline()
    {
        var account = await relay.Admin().PostJson("/api/v1/accounts", new { name = "Joe's Coffee" }).Expect(201);
        var merchant = relay.Client(account.Str("apiKey"));
        var (terminalId, client, simulator) = await ConnectedTerminalAsync(merchant);
        await using var closing = client;
        await using var _ = simulator;
        var code = await client.RequestPairingCodeAsync();
        await merchant.PostJson("/api/v1/pairings", new { pairingCode = code.Code, registerId = "till-1", registerName = "Till 1" })
            .Expect(201);

        await using var browser = await BrowserAsync();
        var page = await browser.Page.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var problems = Watch(page);
        await page.GotoAsync(relay.Url + "/dashboard");

        // A wrong key gets a clear message; the right one, typed and sent with Enter, signs in.
        await page.FillAsync("#key", "not-a-key");
        await page.PressAsync("#key", "Enter");
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("not accepted");
        await page.FillAsync("#key", account.Str("apiKey"));
        await page.PressAsync("#key", "Enter");
        var state = page.Locator($"#fleet tr[data-terminal-id='{terminalId}'] .state");
        await Assertions.Expect(state).ToHaveTextAsync("online");

        // A payment appears in the feed without a reload.
        var payment = await merchant.PostJson("/api/v1/transactions",
            new { registerId = "till-1", type = "purchase", amount = 1250, currency = "NZD" }, Guid.NewGuid().ToString(), wait: 30)
            .Expect(201);
        Assert.Equal("approved", payment.Str("status"));
        var entry = page.Locator($"#feed li[data-transaction-id='{payment.Str("id")}']").Filter(new() { HasText = "approved" });
        await Assertions.Expect(entry.First).ToBeVisibleAsync();
        await Assertions.Expect(entry.First).ToContainTextAsync("12.50");
        // And in the chart, once it refreshes after the payment's events.
        await Assertions.Expect(page.Locator("#chart figcaption")).ToContainTextAsync("1 payment in the last hour (1 approved)");
        await Assertions.Expect(page.Locator("#chart svg")).ToBeVisibleAsync();

        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard.png"), FullPage = true });

        // The terminal goes away: shown offline, also without a reload.
        await client.StopAsync();
        await Assertions.Expect(state).ToHaveTextAsync("offline");

        // Readable on a phone: nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"),
            "the page scrolls sideways on a phone");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard-phone.png"), FullPage = true });

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task TheAdminSeesEveryAccountsTerminalsAndPicksOneToFollow()
    {
        var joe = await relay.Admin().PostJson("/api/v1/accounts", new { name = "Joe's Coffee " + Guid.NewGuid().ToString("N")[..4] })
            .Expect(201);
        var ann = await relay.Admin().PostJson("/api/v1/accounts", new { name = "Ann's Books " + Guid.NewGuid().ToString("N")[..4] })
            .Expect(201);
        var (joesTerminal, joes, joesSimulator) = await ConnectedTerminalAsync(relay.Client(joe.Str("apiKey")));
        await using var a = joes;
        await using var b = joesSimulator;
        var (annsTerminal, anns, annsSimulator) = await ConnectedTerminalAsync(relay.Client(ann.Str("apiKey")));
        await using var c = anns;
        await using var d = annsSimulator;

        await using var browser = await BrowserAsync();
        var page = await browser.Page.NewPageAsync();
        var problems = Watch(page);
        await page.GotoAsync(relay.Url + "/dashboard");
        await page.FillAsync("#key", RelayFactory.AdminKey);
        await page.ClickAsync("#signin-form [type=submit]");

        await Assertions.Expect(page.Locator($"#fleet tr[data-terminal-id='{joesTerminal}'] .state")).ToHaveTextAsync("online");
        await Assertions.Expect(page.Locator($"#fleet tr[data-terminal-id='{annsTerminal}'] .state")).ToHaveTextAsync("online");
        await page.SelectOptionAsync("#account", new SelectOptionValue { Value = ann.Str("id") });
        await Assertions.Expect(page.Locator($"#fleet tr[data-terminal-id='{joesTerminal}']"))
            .ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"#fleet tr[data-terminal-id='{annsTerminal}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#feed-status")).ToHaveTextAsync("live");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private async Task<(string TerminalId, RelayTerminalClient Client, SimulatedTerminal Simulator)> ConnectedTerminalAsync(
        HttpClient merchant)
    {
        var created = await merchant.PostJson("/api/v1/terminals", new { label = "Front counter", storeId = "store-1" }).Expect(201);
        var activation = await TerminalActivation.ActivateAsync(relay.Client(), new Uri(relay.Url), created.Str("activationCode"),
            "SIM-" + Guid.NewGuid().ToString("N")[..6], "Simulator", "1.0.0");
        var client = new RelayTerminalClient(new RelayTerminalOptions
        {
            RelayUrl = new Uri(relay.Url), DeviceToken = activation.DeviceToken,
            OutboxDirectory = Directory.CreateTempSubdirectory("relay-outbox-").FullName,
        });
        var wait = TimeSpan.FromMilliseconds(20);
        var simulator = new SimulatedTerminal(client, new SimulatorOptions
        {
            CardDelay = wait, PinDelay = wait, RelayPatience = TimeSpan.FromSeconds(Scenario.Patience),
        }, TextWriter.Null);
        using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(Scenario.Patience));
        await client.StartAsync(connecting.Token);
        await merchant.UntilOnlineAsync(activation.TerminalId); // the admin's view of all accounts reloads the fleet once a minute
        return (activation.TerminalId, client, simulator);
    }

    /// <summary>The console's errors and warnings and the page's uncaught errors, but for the 401 a wrong key is answered with.</summary>
    private static List<string> Watch(IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !message.Text.Contains("status of 401", StringComparison.Ordinal))
                lock (problems) problems.Add($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => { lock (problems) problems.Add("page error: " + error); };
        return problems;
    }

    /// <summary>How long an expectation waits for the page, in milliseconds (Playwright's default is 5 s).</summary>
    private const float ExpectTimeoutMs = Scenario.Patience * 1000;

    private static async Task<Browser> BrowserAsync()
    {
        Assert.True(File.Exists(Chromium),
            $"No Chromium at {Chromium}: install Debian's chromium (scripts/test.sh does) or set RELAY_CHROMIUM.");
        var playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            Timeout = 2 * ExpectTimeoutMs,
            ExecutablePath = Chromium,
            Headless = true,
            // Root in CI: no sandbox. This machine's network is closed: no background connections.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return new Browser(playwright, browser);
    }

    private sealed record Browser(IPlaywright Playwright, IBrowser Page) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Page.DisposeAsync();
            Playwright.Dispose();
        }
    }
}
