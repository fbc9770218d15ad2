using System.Text.Json.Nodes;
using Relay.Terminal.Simulator;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>Terminal actions end to end with the SDK and the simulator as the terminal.</summary>
public sealed class ActionSimulatorTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private static async Task<JsonNode> ActAsync(Merchant merchant, string terminalId, object body, int wait = 15) =>
        await merchant.Http.PostJson($"/api/v1/terminals/{terminalId}/actions", body, Guid.NewGuid().ToString(), wait).Expect(201);

    [Fact]
    public async Task EveryActionTypeSucceedsOnTheSimulatorWithItsResult()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);

        var display = await ActAsync(merchant, terminal.TerminalId, new
        {
            type = "display",
            display = new
            {
                lines = new[] { new { description = "Flat white", quantity = 2, amount = 900 } }, total = 900, currency = "NZD",
                text = "Thank you!",
            },
        });
        Assert.Equal("succeeded", display.Str("status"));
        Assert.Equal("succeeded", (await ActAsync(merchant, terminal.TerminalId, new { type = "clear_display" })).Str("status"));

        var inputs = await ActAsync(merchant, terminal.TerminalId, new
        {
            type = "collect_inputs", timeoutSeconds = 60,
            inputs = new object[]
            {
                new { id = "ok", kind = "confirm", prompt = "Join our club?", required = true },
                new { id = "name", kind = "text", prompt = "Your name?", required = false },
                new { id = "tip", kind = "number", prompt = "Tip %?", required = true, min = 5, max = 30 },
                new { id = "email", kind = "email", prompt = "Email for your receipt?", required = false },
                new { id = "size", kind = "selection", prompt = "Size?", required = true, choices = new[] { "Small", "Large" } },
            },
        });
        Assert.Equal("succeeded", inputs.Str("status"));
        var answers = inputs["result"]!["inputs"]!.AsArray();
        Assert.Equal(["ok", "name", "tip", "email", "size"], answers.Select(a => (string?)a!["id"]));
        Assert.Equal(["yes", "Simulated answer", "5", "customer@example.com", "Small"], answers.Select(a => (string?)a!["value"]));
        Assert.All(answers, a => Assert.False((bool)a!["skipped"]!));

        var signature = await ActAsync(merchant, terminal.TerminalId, new
        {
            type = "collect_inputs",
            inputs = new object[]
            {
                new { id = "phone", kind = "phone", prompt = "Phone?", required = false },
                new { id = "sig", kind = "signature", prompt = "Sign here", required = true },
            },
        });
        Assert.Equal("+64 21 123 4567", (string?)signature["result"]!["inputs"]![0]!["value"]);
        Assert.StartsWith("M ", (string?)signature["result"]!["inputs"]![1]!["value"]);

        var text = await ActAsync(merchant, terminal.TerminalId, new { type = "print", print = new { text = "Voucher: 10% off" } });
        Assert.Equal("succeeded", text.Str("status"));
        var qr = await ActAsync(merchant, terminal.TerminalId, new { type = "print", print = new { qrCode = "https://r.example/1" } });
        Assert.Equal("succeeded", qr.Str("status"));
        Assert.Equal("succeeded", (await ActAsync(merchant, terminal.TerminalId,
            new { type = "show_qr", qr = new { data = "https://pay.example.com/r/123", text = "Scan to pay" } })).Str("status"));
        var ping = await ActAsync(merchant, terminal.TerminalId, new { type = "ping" });
        Assert.Equal("succeeded", ping.Str("status"));
        Assert.False(string.IsNullOrEmpty((string?)ping["result"]!["appVersion"]));
        Assert.True((double)ping["result"]!["roundTripMs"]! >= 0);

        var output = terminal.Output.ToString();
        Assert.Contains("2 x Flat white", output);
        Assert.Contains("Scan to pay", output);
        Assert.Contains("Voucher: 10% off", output);
    }

    [Fact]
    public async Task TheSimulatorAnswersFromItsScriptAndFailsARequiredQuestionTheScriptSkips()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        var script = SimulatedInputs.Parse("""{ "email": "pat@example.com", "phone": null, "confirm": "no" }""");
        var wait = TimeSpan.FromMilliseconds(20);
        terminal.Simulator = new SimulatedTerminal(terminal.Client,
            new SimulatorOptions
            {
                CardDelay = wait, PinDelay = wait, InputAnswers = script, RelayPatience = TimeSpan.FromSeconds(Scenario.Patience),
            }, terminal.Output);

        var answered = await ActAsync(merchant, terminal.TerminalId, new
        {
            type = "collect_inputs",
            inputs = new object[]
            {
                new { id = "email", kind = "email", prompt = "Email?" }, new { id = "phone", kind = "phone", prompt = "Phone?" },
                new { id = "club", kind = "confirm", prompt = "Join?" },
            },
        });
        Assert.True(answered.Str("status") == "succeeded", terminal.Output.ToString());
        var inputs = answered["result"]!["inputs"]!.AsArray();
        Assert.Equal("pat@example.com", (string?)inputs[0]!["value"]); // by id
        Assert.True((bool)inputs[1]!["skipped"]!);                   // null: skipped
        Assert.Equal("no", (string?)inputs[2]!["value"]);             // by kind

        var refused = await ActAsync(merchant, terminal.TerminalId, new
        {
            type = "collect_inputs", inputs = new[] { new { id = "phone", kind = "phone", prompt = "Phone?", required = true } },
        });
        Assert.Equal("failed", refused.Str("status"));
        Assert.Equal("required_input_skipped", refused.Str("failureCode"));
    }

    [Fact]
    public async Task ACancelledQuestionEndsCancelledOnTheSimulator()
    {
        var merchant = await relay.NewMerchantAsync();
        // Each answer takes 10 s: the question is still open when the cancel comes, however slow the machine.
        await using var terminal = await relay.NewTerminalAsync(merchant, delay: TimeSpan.FromSeconds(10));
        var created = await ActAsync(merchant, terminal.TerminalId, new
        {
            type = "collect_inputs",
            inputs = new object[]
            {
                new { id = "a", kind = "confirm", prompt = "One?" }, new { id = "b", kind = "confirm", prompt = "Two?" },
                new { id = "c", kind = "confirm", prompt = "Three?" },
            },
        }, wait: 0);
        var id = created.Str("id");
        await Scenario.Eventually(async () =>
            (await merchant.Http.GetAsync($"/api/v1/terminal-actions/{id}").Expect(200)).Str("status") == "delivered",
            "delivered:\n" + terminal.Output);

        await merchant.Http.PostAsync($"/api/v1/terminal-actions/{id}/cancel", null).Expect(202);
        var ended = await merchant.Http.GetWaiting($"/api/v1/terminal-actions/{id}", 30).Expect(200);
        Assert.True(ended.Str("status") == "cancelled", terminal.Output.ToString());
    }

    [Fact]
    public async Task AnActionInFlightWhileTheRelayRestartsEndsOnce()
    {
        var merchant = await relay.NewMerchantAsync();
        // Each answer takes 5 s: the test sees the action delivered (and restarts the relay) before it ends.
        await using var terminal = await relay.NewTerminalAsync(merchant, delay: TimeSpan.FromSeconds(5));
        var created = await ActAsync(merchant, terminal.TerminalId, new
        {
            type = "collect_inputs",
            inputs = new object[] { new { id = "a", kind = "text", prompt = "One?" }, new { id = "b", kind = "text", prompt = "Two?" } },
        }, wait: 0);
        var id = created.Str("id");
        await Scenario.Eventually(async () =>
            (await merchant.Http.GetAsync($"/api/v1/terminal-actions/{id}").Expect(200)).Str("status") == "delivered", "delivered");

        await relay.RestartAsync();

        var again = relay.Factory.CreateClient().WithKey(merchant.ApiKey);
        var ended = await again.GetWaiting($"/api/v1/terminal-actions/{id}", 30).Expect(200);
        Assert.True(ended.Str("status") == "succeeded", terminal.Output.ToString());
        Assert.Equal(2, ended["result"]!["inputs"]!.AsArray().Count);
        var events = await again.GetAsync("/api/v1/events?type=terminal_action.updated&limit=200").Expect(200);
        Assert.Single(events["items"]!.AsArray(), e => (string?)e!["data"]!["id"] == id && (string?)e!["data"]!["status"] == "succeeded");
    }
}

public sealed class ActionMultiInstanceTests(TwoRelaysFixture relays) : IClassFixture<TwoRelaysFixture>
{
    [Fact]
    public async Task AnActionCreatedOnOneInstanceReachesTheTerminalOnTheOtherAndItsAnswerComesBack()
    {
        var merchant = await relays.NewMerchantAsync();
        await using var terminal = await relays.NewTerminalAsync(merchant); // connected to the second instance
        // Online as the first instance reads it (the second writes a connect a moment later, in a batch).
        await Scenario.Eventually(async () =>
            (bool)(await merchant.Http.GetAsync($"/api/v1/terminals/{terminal.TerminalId}").Expect(200))["online"]!, "online");
        var ping = await merchant.Http.PostJson($"/api/v1/terminals/{terminal.TerminalId}/actions", new { type = "ping" },
            Guid.NewGuid().ToString(), 20).Expect(201); // created and waited for on the first
        Assert.True(ping.Str("status") == "succeeded", terminal.Output.ToString());

        var shown = await relays.OnSecond(merchant).Http.GetAsync($"/api/v1/terminal-actions/{ping.Str("id")}").Expect(200);
        Assert.Equal("succeeded", shown.Str("status"));
    }
}
