using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// The fleet configuration: levels set over HTTP, a terminal's effective configuration and its sources, and the push of it
/// (ConfigurationChanged) to a raw SignalR connection and to the SDK.
/// </summary>
public sealed class FleetConfigurationTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    public const string Changed = "ConfigurationChanged";

    private static readonly object AccountDefault = new
    {
        tipping = new { percentages = new[] { 10, 15, 20 }, allowCustom = true },
        receiptHeader = "Kōwhai Café\n12 Queen St",
        language = "en-NZ",
        offlineLimit = new { amount = 10000, currency = "NZD" },
    };

    [Fact]
    public async Task EachValueComesFromTheNearestLevelThatSetsItWithItsSource()
    {
        var merchant = await relay.NewMerchantAsync();
        var inStore = await CreateTerminalAsync(merchant, "store-1");
        var elsewhere = await CreateTerminalAsync(merchant, "store-2");
        var noStore = await CreateTerminalAsync(merchant, null);

        var level = await merchant.Http.PutConfiguration("/api/v1/configuration", AccountDefault).Expect(200);
        Assert.Equal("account", level.Str("scope"));
        Assert.Equal("en-NZ", (string?)level["configuration"]!["language"]);
        await merchant.Http.PutConfiguration("/api/v1/stores/store-1/configuration",
            new { tipping = new { fixedAmounts = new[] { 200, 500 } }, receiptFooter = "See you at store 1" }).Expect(200);
        await merchant.Http.PutConfiguration($"/api/v1/terminals/{inStore}/configuration", new { receiptHeader = "Till 3" }).Expect(200);

        var effective = await merchant.Http.GetAsync($"/api/v1/terminals/{inStore}/configuration").Expect(200);
        Assert.Equal(inStore, effective.Str("terminalId"));
        Assert.Equal("store-1", effective.Str("storeId"));
        var configuration = effective["configuration"]!;
        Assert.Equal([200L, 500L], configuration["tipping"]!["fixedAmounts"]!.AsArray().Select(a => (long)a!));
        Assert.Null(configuration["tipping"]!["percentages"]); // tipping is one value: the store's, not merged with the account's
        Assert.Equal("Till 3", (string?)configuration["receiptHeader"]);
        Assert.Equal("See you at store 1", (string?)configuration["receiptFooter"]);
        Assert.Equal("en-NZ", (string?)configuration["language"]);
        Assert.Equal(10000, (long)configuration["offlineLimit"]!["amount"]!);
        Assert.Equal(Sources("store", "terminal", "store", "account", "account"), effective["sources"]!.ToJsonString());

        foreach (var other in new[] { elsewhere, noStore })
        {
            var defaults = await merchant.Http.GetAsync($"/api/v1/terminals/{other}/configuration").Expect(200);
            Assert.Equal([10, 15, 20], defaults["configuration"]!["tipping"]!["percentages"]!.AsArray().Select(p => (int)p!));
            Assert.Equal("Kōwhai Café\n12 Queen St", (string?)defaults["configuration"]!["receiptHeader"]);
            Assert.Null(defaults["configuration"]!["receiptFooter"]);
            Assert.Equal(Sources("account", "account", null, "account", "account"), defaults["sources"]!.ToJsonString());
        }

        var store = await merchant.Http.GetAsync("/api/v1/stores/store-1/configuration").Expect(200);
        Assert.Equal("store-1", store.Str("storeId"));
        Assert.Null(store["configuration"]!["language"]); // a level shows what it sets itself
        var unset = await merchant.Http.GetAsync("/api/v1/stores/store-2/configuration").Expect(200);
        Assert.Null(unset["updatedAt"]);
        Assert.All(unset["configuration"]!.AsObject(), member => Assert.Null(member.Value));

        // Clearing a level (DELETE, or PUT {}) hands its values back to the levels above.
        await merchant.Http.DeleteAsync($"/api/v1/terminals/{inStore}/configuration").Expect(204);
        await merchant.Http.PutConfiguration("/api/v1/stores/store-1/configuration", new { }).Expect(200);
        var cleared = await merchant.Http.GetAsync($"/api/v1/terminals/{inStore}/configuration").Expect(200);
        Assert.Equal("Kōwhai Café\n12 Queen St", (string?)cleared["configuration"]!["receiptHeader"]);
        Assert.Equal(Sources("account", "account", null, "account", "account"), cleared["sources"]!.ToJsonString());

        var events = await merchant.Http.GetAsync("/api/v1/events?type=configuration.changed").Expect(200);
        Assert.Equal(["account", "store", "terminal", "terminal", "store"],
            events["items"]!.AsArray().Select(e => (string?)e!["data"]!["scope"]));
        Assert.Equal(inStore, (string?)events["items"]![2]!["data"]!["terminalId"]);
    }

    [Fact]
    public async Task AChangeOfEachLevelIsPushedToTheConnectedTerminalsItCovers()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var one = await ConnectNewAsync(relay, merchant, "store-1");
        await using var two = await ConnectNewAsync(relay, merchant, "store-2");
        Assert.All([await one.NextAsync(Changed), await two.NextAsync(Changed)], // on connect: nothing is set yet
            connected => Assert.All(connected.AsObject(), member => Assert.Null(member.Value)));

        await merchant.Http.PutConfiguration("/api/v1/configuration", new { language = "en-NZ" }).Expect(200);
        Assert.Equal("en-NZ", (string?)(await one.NextAsync(Changed))["language"]);
        Assert.Equal("en-NZ", (string?)(await two.NextAsync(Changed))["language"]);

        await merchant.Http.PutConfiguration("/api/v1/stores/store-1/configuration", new { language = "mi" }).Expect(200);
        Assert.Equal("mi", (string?)(await one.NextAsync(Changed))["language"]);

        await merchant.Http.PutConfiguration($"/api/v1/terminals/{two.TerminalId}/configuration", new { receiptFooter = "Bye" })
            .Expect(200);
        var own = await two.NextAsync(Changed); // the next one it gets: store-1's change was not for it
        Assert.Equal("Bye", (string?)own["receiptFooter"]);
        Assert.Equal("en-NZ", (string?)own["language"]);

        await merchant.Http.DeleteAsync("/api/v1/stores/store-1/configuration").Expect(204);
        var pushed = await one.NextAsync(Changed);
        Assert.Equal("en-NZ", (string?)pushed["language"]);
        // What the terminal is sent is what GET shows.
        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{one.TerminalId}/configuration").Expect(200);
        Assert.Equal(shown["configuration"]!.ToJsonString(), pushed.ToJsonString());
    }

    [Fact]
    public async Task TheTerminalGetsItsConfigurationOnEveryConnectBeforeItsOpenWork()
    {
        var merchant = await relay.NewMerchantAsync();
        var (terminalId, token) = await ActivateNewAsync(relay, merchant, "store-1");
        await using (var first = await HubRecorder.ConnectAsync(relay, token, Changed))
        {
            await first.Connection.PairAsync(merchant, "till-1");
        }

        await merchant.WaitForPresenceAsync(terminalId, online: false);
        // Changed while the terminal is away (no one to push to), with a payment waiting for it.
        await merchant.Http.PutConfiguration("/api/v1/stores/store-1/configuration", new { receiptHeader = "Store 1" }).Expect(200);
        var payment = await merchant.PurchaseAsync("till-1", 1250).Expect(201);

        await using (var again = await HubRecorder.ConnectAsync(relay, token, Changed, "StartTransaction"))
        {
            Assert.Equal("Store 1", (string?)(await again.NextAsync(Changed))["receiptHeader"]);
            Assert.Equal(payment.Str("id"), (await again.NextAsync("StartTransaction")).Str("id"));
        }

        await merchant.WaitForPresenceAsync(terminalId, online: false);
        await merchant.Http.PutConfiguration($"/api/v1/terminals/{terminalId}/configuration", new { receiptHeader = "Till 1" }).Expect(200);
        await using var third = await HubRecorder.ConnectAsync(relay, token, Changed);
        Assert.Equal("Till 1", (string?)(await third.NextAsync(Changed))["receiptHeader"]);
        await merchant.Http.PostAsync($"/api/v1/transactions/{payment.Str("id")}/cancel", null).Expect(202);
    }

    [Fact]
    public async Task AnotherAccountsTerminalAndARemovedOneAreNotFoundAndLevelsStayInTheirAccount()
    {
        var merchant = await relay.NewMerchantAsync();
        var other = await relay.NewMerchantAsync();
        var terminal = await CreateTerminalAsync(merchant, "store-1");
        var url = $"/api/v1/terminals/{terminal}/configuration";

        await other.Http.GetAsync(url).ExpectProblem(404, "not-found");
        await other.Http.PutConfiguration(url, new { language = "fr" }).ExpectProblem(404, "not-found");
        await other.Http.DeleteAsync(url).ExpectProblem(404, "not-found");
        await merchant.Http.GetAsync($"/api/v1/terminals/{Guid.NewGuid()}/configuration").ExpectProblem(404, "not-found");

        // The other account's default and its store-1 are its own.
        await other.Http.PutConfiguration("/api/v1/configuration", new { language = "fr" }).Expect(200);
        await other.Http.PutConfiguration("/api/v1/stores/store-1/configuration", new { receiptFooter = "Au revoir" }).Expect(200);
        var mine = await merchant.Http.GetAsync(url).Expect(200);
        Assert.All(mine["configuration"]!.AsObject(), member => Assert.Null(member.Value));
        Assert.Null((await merchant.Http.GetAsync("/api/v1/stores/store-1/configuration").Expect(200))["updatedAt"]);
        Assert.Null((await merchant.Http.GetAsync("/api/v1/configuration").Expect(200))["configuration"]!["language"]);

        await merchant.Http.DeleteAsync($"/api/v1/terminals/{terminal}").Expect(204);
        await merchant.Http.GetAsync(url).ExpectProblem(404, "not-found");
        await merchant.Http.PutConfiguration(url, new { language = "en" }).ExpectProblem(404, "not-found");
    }

    [Fact]
    public async Task BadValuesAreRefusedFieldByFieldAndNothingIsWritten()
    {
        var merchant = await relay.NewMerchantAsync();
        await merchant.Http.PutConfiguration("/api/v1/configuration", AccountDefault).Expect(200);

        var problem = await merchant.Http.PutConfiguration("/api/v1/configuration", new
        {
            tipping = new { percentages = new[] { 0, 150 }, fixedAmounts = new[] { 100 } },
            receiptHeader = new string('x', 501),
            receiptFooter = "Bell\u0007",
            language = "english!",
            offlineLimit = new { amount = -1, currency = "nzd" },
        }).ExpectProblem(400, "validation-failed");
        Assert.Equal(
            [
                "language", "offlineLimit.amount", "offlineLimit.currency", "receiptFooter", "receiptHeader", "tipping",
                "tipping.percentages",
            ],
            problem["errors"]!.AsObject().Select(e => e.Key).Order());
        await merchant.Http.PutConfiguration("/api/v1/configuration", new { offlineLimit = new { currency = "NZD" } })
            .ExpectProblem(400, "validation-failed");
        await merchant.Http.PutConfigurationRaw("/api/v1/configuration", """{ "receiptHeader": 5 }""")
            .ExpectProblem(400, "validation-failed");
        await merchant.Http.PutConfiguration($"/api/v1/stores/{new string('s', 101)}/configuration", new { language = "en" })
            .ExpectProblem(400, "validation-failed");
        var terminal = await CreateTerminalAsync(merchant, null);
        await merchant.Http.PutConfiguration($"/api/v1/terminals/{terminal}/configuration", new { language = "e" })
            .ExpectProblem(400, "validation-failed");

        var stored = await merchant.Http.GetAsync("/api/v1/configuration").Expect(200);
        Assert.Equal("Kōwhai Café\n12 Queen St", (string?)stored["configuration"]!["receiptHeader"]);
        Assert.Equal([10, 15, 20], stored["configuration"]!["tipping"]!["percentages"]!.AsArray().Select(p => (int)p!));
        var terminalSees = await merchant.Http.GetAsync($"/api/v1/terminals/{terminal}/configuration").Expect(200);
        Assert.Equal("account", (string?)terminalSees["sources"]!["language"]); // not the terminal's refused "e"

        // An empty header is a value (none here, whatever the levels above say), and language tags come in several shapes.
        foreach (var language in new[] { "en", "mi-NZ", "zh-Hant-TW", "es-419" })
        {
            await merchant.Http.PutConfiguration("/api/v1/stores/s/configuration", new { receiptHeader = "", language }).Expect(200);
        }
    }

    [Fact]
    public async Task TheSdkKeepsTheLatestConfigurationAndRaisesItsEvent()
    {
        var merchant = await relay.NewMerchantAsync();
        await merchant.Http.PutConfiguration("/api/v1/configuration", new { language = "en-NZ" }).Expect(200);
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await Scenario.Eventually(() => Task.FromResult(terminal.Client.Configuration?.Language == "en-NZ"),
            "the configuration on connect");

        var received = new TaskCompletionSource<TerminalConfiguration>(TaskCreationOptions.RunContinuationsAsynchronously);
        terminal.Client.ConfigurationChanged += c =>
        {
            received.TrySetResult(c);
            return Task.CompletedTask;
        };
        await merchant.Http.PutConfiguration($"/api/v1/terminals/{terminal.TerminalId}/configuration", AccountDefault).Expect(200);

        var configuration = await received.Task.WaitAsync(TimeSpan.FromSeconds(Scenario.Patience));
        Assert.Equal([10, 15, 20], configuration.Tipping!.Percentages!);
        Assert.True(configuration.Tipping.AllowCustom);
        Assert.Null(configuration.Tipping.FixedAmounts);
        Assert.Equal("Kōwhai Café\n12 Queen St", configuration.ReceiptHeader);
        Assert.Null(configuration.ReceiptFooter);
        Assert.Equal(new OfflineLimit(10000, "NZD"), configuration.OfflineLimit);
        Assert.Same(configuration, terminal.Client.Configuration);
    }

    [Fact]
    public async Task TheSimulatorFramesItsReceiptsAndOffersTheConfiguredTips()
    {
        var merchant = await relay.NewMerchantAsync();
        await merchant.Http.PutConfiguration("/api/v1/configuration", new
        {
            tipping = new { percentages = new[] { 10, 15, 20 } },
            receiptHeader = "KŌWHAI CAFÉ\n12 Queen St",
            receiptFooter = "Thank you!",
        }).Expect(200);
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1");

        // A tip asked for on the terminal without presets: the configuration's; a 56 takes the first (10% of 12.56).
        var tipped = await PayAsync(merchant, 1256, new { tipping = new { onTerminal = true } });
        Assert.True(tipped.Str("status") == "approved", terminal.Output.ToString());
        Assert.Equal(126, (long)tipped["result"]!["tipAmount"]!);
        foreach (var receipt in new[] { "merchantReceipt", "customerReceipt" })
        {
            var text = (string)tipped["result"]![receipt]!;
            Assert.StartsWith("KŌWHAI CAFÉ\n12 Queen St\n", text);
            Assert.EndsWith("\nThank you!", text);
        }

        var ownPresets = await PayAsync(merchant, 1056, new { tipping = new { onTerminal = true, percentages = new[] { 5 } } });
        Assert.Equal(53, (long)ownPresets["result"]!["tipAmount"]!); // the transaction's own presets win

        var output = terminal.Output.ToString();
        Assert.Contains("configuration: tipping 10/15/20%, header \"KŌWHAI CAFÉ | 12 Queen St\", footer \"Thank you!\"", output);
        Assert.Contains("tip presets from the configuration: 10/15/20%", output);
    }

    private static Task<JsonNode> PayAsync(Merchant merchant, long amount, object options) =>
        merchant.Http.PostJson("/api/v1/transactions", new { registerId = "till-1", type = "purchase", amount, currency = "NZD", options },
            Guid.NewGuid().ToString(), 30).Expect(201);

    private static string Sources(string? tipping, string? header, string? footer, string? language, string? offlineLimit) =>
        new JsonObject
        {
            ["tipping"] = tipping, ["receiptHeader"] = header, ["receiptFooter"] = footer, ["language"] = language,
            ["offlineLimit"] = offlineLimit,
        }.ToJsonString();

    /// <summary>A terminal of the merchant in the store, created (not activated): its id.</summary>
    public static async Task<string> CreateTerminalAsync(Merchant merchant, string? storeId) =>
        (await merchant.Http.PostJson("/api/v1/terminals", new { label = "Fleet", storeId }).Expect(201)).Str("id");

    /// <summary>A terminal of the merchant in the store, activated: its id and device token.</summary>
    public static async Task<(string TerminalId, string DeviceToken)> ActivateNewAsync(
        RelayFixture relay, Merchant merchant, string? storeId)
    {
        var created = await merchant.Http.PostJson("/api/v1/terminals", new { label = "Fleet", storeId }).Expect(201);
        var activation = await TerminalActivation.ActivateAsync(relay.Factory.CreateClient(), relay.Factory.Server.BaseAddress,
            created.Str("activationCode"), "SN-FLEET-" + Guid.NewGuid().ToString("N")[..8]);
        return (activation.TerminalId, activation.DeviceToken);
    }

    /// <summary>A new terminal in the store on a raw connection recording ConfigurationChanged.</summary>
    public static async Task<ConnectedTerminal> ConnectNewAsync(RelayFixture relay, Merchant merchant, string? storeId)
    {
        var (terminalId, token) = await ActivateNewAsync(relay, merchant, storeId);
        return new ConnectedTerminal(terminalId, await HubRecorder.ConnectAsync(relay, token, Changed));
    }

    public sealed record ConnectedTerminal(string TerminalId, HubRecorder Hub) : IAsyncDisposable
    {
        private string? _last;

        /// <summary>
        /// The next message of <paramref name="method"/> that differs from the last one: the relay may send the same configuration
        /// again (its listener's catch-up after it starts pushes every held terminal's), which a terminal takes as no change.
        /// </summary>
        public async Task<JsonNode> NextAsync(string method)
        {
            while (true)
            {
                var next = await Hub.NextAsync(method);
                var json = next.ToJsonString();
                if (json == _last) continue;
                _last = json;
                return next;
            }
        }

        public ValueTask DisposeAsync() => Hub.DisposeAsync();
    }
}

/// <summary>Two relay instances: a change made on the one that does not hold the terminal reaches it.</summary>
public sealed class FleetConfigurationMultiInstanceTests(TwoRelaysFixture relays) : IClassFixture<TwoRelaysFixture>
{
    private const string Changed = FleetConfigurationTests.Changed;

    [Fact]
    public async Task EveryLevelsChangeMadeOnOneInstanceReachesTheTerminalOnTheOther()
    {
        var merchant = await relays.NewMerchantAsync(); // its calls go to A
        await using var terminal = await FleetConfigurationTests.ConnectNewAsync(relays, merchant, "store-9"); // connected to B
        await terminal.NextAsync(Changed);

        await merchant.Http.PutConfiguration("/api/v1/configuration", new { language = "en-NZ", receiptFooter = "Default footer" })
            .Expect(200);
        Assert.Equal("en-NZ", (string?)(await terminal.NextAsync(Changed))["language"]);
        await merchant.Http.PutConfiguration("/api/v1/stores/store-9/configuration", new { receiptFooter = "Store 9" }).Expect(200);
        Assert.Equal("Store 9", (string?)(await terminal.NextAsync(Changed))["receiptFooter"]);
        await merchant.Http.PutConfiguration($"/api/v1/terminals/{terminal.TerminalId}/configuration", new { language = "mi" }).Expect(200);
        var own = await terminal.NextAsync(Changed);
        Assert.Equal("mi", (string?)own["language"]);
        Assert.Equal("Store 9", (string?)own["receiptFooter"]);
        await merchant.Http.DeleteAsync("/api/v1/stores/store-9/configuration").Expect(204);
        Assert.Equal("Default footer", (string?)(await terminal.NextAsync(Changed))["receiptFooter"]);

        // Both instances show what the terminal was sent.
        var onA = await merchant.Http.GetAsync($"/api/v1/terminals/{terminal.TerminalId}/configuration").Expect(200);
        var onB = await relays.OnSecond(merchant).Http.GetAsync($"/api/v1/terminals/{terminal.TerminalId}/configuration").Expect(200);
        Assert.Equal(onA.ToJsonString(), onB.ToJsonString());
        Assert.Equal("terminal", (string?)onA["sources"]!["language"]);
    }
}

/// <summary>PUT of a level's configuration, as a POS sends it.</summary>
internal static class ConfigurationHttp
{
    public static Task<HttpResponseMessage> PutConfiguration(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PutConfigurationRaw(this HttpClient client, string url, string body) =>
        client.PutAsync(url, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
}

/// <summary>The official SignalR JavaScript client as the terminal (tests/interop): it is sent the configuration too.</summary>
public sealed class FleetConfigurationJavaScriptTests(KestrelRelayFixture relay) : IClassFixture<KestrelRelayFixture>
{
    [Fact]
    public async Task AJavaScriptTerminalIsSentItsConfigurationOnConnectAndOnChange()
    {
        var account = await relay.Admin().PostJson("/api/v1/accounts", new { name = "JS fleet" }).Expect(201);
        var merchant = relay.Client(account.Str("apiKey"));
        await merchant.PutConfiguration("/api/v1/configuration", new { language = "en-NZ" }).Expect(200);
        var created = await merchant.PostJson("/api/v1/terminals", new { label = "JS terminal", storeId = "store-1" }).Expect(201);
        var activation = await relay.Client().PostJson("/api/v1/terminal-activations",
            new { activationCode = created.Str("activationCode"), serialNumber = "JS-FLEET" }).Expect(200);

        await using var terminal = NodeTerminal.Start(relay.Url, activation.Str("deviceToken"));
        var connected = await terminal.Next("configuration-changed");
        Assert.Equal("en-NZ", (string?)connected["configuration"]!["language"]);

        await merchant.PutConfiguration("/api/v1/stores/store-1/configuration", new { receiptHeader = "Store 1" }).Expect(200);
        var changed = (await terminal.Next("configuration-changed"))["configuration"]!;
        Assert.Equal("Store 1", (string?)changed["receiptHeader"]);
        Assert.Equal("en-NZ", (string?)changed["language"]);
    }
}
