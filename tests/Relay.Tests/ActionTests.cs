using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>POS-driven terminal actions through HTTP and the hub (a raw SignalR client as the terminal).</summary>
public sealed class ActionTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    /// <summary>A terminal that records what the relay sends it about actions.</summary>
    private sealed class ActionInbox
    {
        public Channel<JsonObject> Starts { get; } = Channel.CreateUnbounded<JsonObject>();
        public Channel<string> Cancels { get; } = Channel.CreateUnbounded<string>();

        public void Listen(HubConnection hub)
        {
            hub.On<JsonObject>("StartAction", a => Starts.Writer.TryWrite(a));
            hub.On<string>("CancelAction", id => Cancels.Writer.TryWrite(id));
        }

        public async Task<JsonObject> NextStart(int seconds = Scenario.Patience)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            return await Starts.Reader.ReadAsync(timeout.Token);
        }

        public async Task<string> NextCancel(int seconds = Scenario.Patience)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            return await Cancels.Reader.ReadAsync(timeout.Token);
        }
    }

    private static Task<HttpResponseMessage> Act(Merchant merchant, string terminalId, object body, string? key = null, int? wait = null) =>
        merchant.Http.PostJson($"/api/v1/terminals/{terminalId}/actions", body, key ?? Guid.NewGuid().ToString(), wait);

    [Fact]
    public async Task APingIsAnsweredWithTheRoundTripAndTheAppVersion()
    {
        var merchant = await relay.NewMerchantAsync();
        var inbox = new ActionInbox();
        var (hub, terminalId) = await relay.ConnectNewAsync(merchant, inbox.Listen);
        await using var _ = hub;
        var answering = Task.Run(async () =>
        {
            var start = await inbox.NextStart();
            Assert.Equal("ping", (string?)start["type"]);
            var id = (string)start["id"]!;
            Assert.True((bool)(await hub.InvokeAsync<JsonObject>("ActionReceived", id))["proceed"]!);
            return await hub.InvokeAsync<JsonObject>("CompleteAction",
                new { actionId = id, status = "succeeded", result = new { appVersion = "2.1.0" } });
        });

        var response = await Act(merchant, terminalId, new { type = "ping" }, wait: 10);
        var action = await Task.FromResult(response).Expect(201);
        Assert.Equal($"/api/v1/terminal-actions/{action.Str("id")}", response.Headers.Location?.OriginalString);
        Assert.Equal("succeeded", action.Str("status"));
        Assert.Equal("2.1.0", (string?)action["result"]!["appVersion"]);
        Assert.True((double)action["result"]!["roundTripMs"]! >= 0);
        Assert.Equal(terminalId, action.Str("terminalId"));
        Assert.NotNull(action["deliveredAt"]);
        Assert.NotNull(action["completedAt"]);
        var ack = await answering;
        Assert.True((bool)ack["accepted"]!);
        Assert.Equal("succeeded", (string?)ack["status"]);

        var shown = await merchant.Http.GetAsync($"/api/v1/terminal-actions/{action.Str("id")}").Expect(200);
        Assert.Equal(action.ToJsonString(), shown.ToJsonString());
        var events = await merchant.Http.GetAsync("/api/v1/events?type=terminal_action.updated&limit=200").Expect(200);
        var statuses = events["items"]!.AsArray().Where(e => (string?)e!["data"]!["id"] == action.Str("id"))
            .Select(e => (string?)e!["data"]!["status"]).ToList();
        Assert.Equal(["pending", "delivered", "succeeded"], statuses);

        var metrics = await (await relay.Admin().GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Matches("""relay_terminal_actions_total\{[^}]*status="succeeded",type="ping"\} 1""", metrics);
    }

    [Fact]
    public async Task CollectedInputsComeBackInOrderAndARepeatedAnswerChangesNothing()
    {
        var merchant = await relay.NewMerchantAsync();
        var inbox = new ActionInbox();
        var (hub, terminalId) = await relay.ConnectNewAsync(merchant, inbox.Listen);
        await using var _ = hub;
        var created = await Act(merchant, terminalId, new
        {
            type = "collect_inputs", timeoutSeconds = 30,
            inputs = new object[]
            {
                new { id = "email", kind = "email", prompt = "Email for your receipt?", required = false },
                new { id = "size", kind = "selection", prompt = "Size?", required = true, choices = new[] { "Small", "Large" } },
            },
        }).Expect(201);
        Assert.Equal("pending", created.Str("status"));

        var start = await inbox.NextStart();
        Assert.Equal("collect_inputs", (string?)start["type"]);
        Assert.Equal("size", (string?)start["inputs"]![1]!["id"]);
        Assert.Equal("Large", (string?)start["inputs"]![1]!["choices"]![1]);
        var id = (string)start["id"]!;
        await hub.InvokeAsync<JsonObject>("ActionReceived", id);
        var completion = new
        {
            actionId = id, status = "succeeded",
            result = new { inputs = new object[] { new { id = "email", value = "a@example.com", skipped = false },
                new { id = "size", value = "Large", skipped = false } } },
        };
        Assert.True((bool)(await hub.InvokeAsync<JsonObject>("CompleteAction", completion))["accepted"]!);
        Assert.True((bool)(await hub.InvokeAsync<JsonObject>("CompleteAction", completion))["accepted"]!); // a repeat
        var other = await hub.InvokeAsync<JsonObject>("CompleteAction", new { actionId = id, status = "failed", failureCode = "timeout" });
        Assert.False((bool)other["accepted"]!);
        Assert.Equal("succeeded", (string?)other["status"]);

        var action = await merchant.Http.GetAsync($"/api/v1/terminal-actions/{id}").Expect(200);
        Assert.Equal("succeeded", action.Str("status"));
        Assert.Equal("Large", (string?)action["result"]!["inputs"]![1]!["value"]);
        Assert.Equal("Size?", (string?)action["request"]!["inputs"]![1]!["prompt"]);
    }

    [Fact]
    public async Task DuringATransactionADisplayReachesTheTerminalAndAQuestionIsRefusedBusy()
    {
        var merchant = await relay.NewMerchantAsync();
        var inbox = new ActionInbox();
        var (hub, terminalId) = await relay.ConnectNewAsync(merchant, inbox.Listen);
        await using var _ = hub;
        await hub.PairAsync(merchant, "till-1");
        await merchant.PurchaseAsync("till-1", 1250).Expect(201);

        var display = await Act(merchant, terminalId, new
        {
            type = "display",
            display = new
            {
                lines = new[] { new { description = "Flat white", quantity = 2, amount = 900 } }, total = 900, currency = "NZD",
            },
        }).Expect(201);
        Assert.Equal("display", (string?)(await inbox.NextStart())["type"]);
        Assert.Equal("Flat white", (string?)display["request"]!["display"]!["lines"]![0]!["description"]);

        await Act(merchant, terminalId,
                new { type = "collect_inputs", inputs = new[] { new { id = "ok", kind = "confirm", prompt = "OK?" } } })
            .ExpectProblem(409, "terminal-busy");
        await Act(merchant, terminalId, new { type = "print", print = new { text = "Voucher" } }).ExpectProblem(409, "terminal-busy");
        await Act(merchant, terminalId, new { type = "ping" }).Expect(201);
    }

    [Fact]
    public async Task AnOfflineTerminalIsRefusedUnlessQueuedAndAQueuedActionIsDeliveredOnConnectOrExpires()
    {
        var merchant = await relay.NewMerchantAsync();
        var (terminalId, deviceToken) = await relay.ActivateNewAsync(merchant);
        await Act(merchant, terminalId, new { type = "show_qr", qr = new { data = "https://pay.example.com/1" } })
            .ExpectProblem(409, "terminal-offline");
        var queued = await Act(merchant, terminalId,
                new { type = "show_qr", qr = new { data = "https://pay.example.com/1" }, queueIfOffline = true })
            .Expect(201);
        var lapsing = await Act(merchant, terminalId, new { type = "ping", queueIfOffline = true, expiresInSeconds = 5 }).Expect(201);
        Assert.Equal("pending", queued.Str("status"));

        relay.Clock.Advance(TimeSpan.FromSeconds(10)); // the ping's deadline passes; the QR code's (30 s) does not
        await Scenario.Eventually(async () =>
                (await merchant.Http.GetAsync($"/api/v1/terminal-actions/{lapsing.Str("id")}").Expect(200)).Str("status") == "expired",
            "the undelivered ping expired");

        var inbox = new ActionInbox();
        await using var hub = await relay.ConnectRawAsync(deviceToken, inbox.Listen);
        var start = await inbox.NextStart();
        Assert.Equal(queued.Str("id"), (string?)start["id"]);
        Assert.Equal("https://pay.example.com/1", (string?)start["qr"]!["data"]);
        // Not the expired one. The QR code itself may come again: pending work is re-sent every few seconds until acknowledged.
        while (inbox.Starts.Reader.TryRead(out var again)) Assert.Equal(queued.Str("id"), (string?)again["id"]);
        Assert.True((bool)(await hub.InvokeAsync<JsonObject>("ActionReceived", lapsing.Str("id")))["proceed"]! == false);
    }

    [Fact]
    public async Task CancellingADeliveredQuestionReachesTheTerminalWhichEndsIt()
    {
        var merchant = await relay.NewMerchantAsync();
        var inbox = new ActionInbox();
        var (hub, terminalId) = await relay.ConnectNewAsync(merchant, inbox.Listen);
        await using var _ = hub;
        var created = await Act(merchant, terminalId,
            new { type = "collect_inputs", inputs = new[] { new { id = "sig", kind = "signature", prompt = "Sign here" } } }).Expect(201);
        var id = (string)(await inbox.NextStart())["id"]!;
        await hub.InvokeAsync<JsonObject>("ActionReceived", id);

        var cancel = await merchant.Http.PostAsync($"/api/v1/terminal-actions/{id}/cancel", null).Expect(202);
        Assert.Equal("delivered", cancel.Str("status")); // the terminal answers
        Assert.Equal(id, await inbox.NextCancel());
        await hub.InvokeAsync<JsonObject>("CompleteAction", new { actionId = id, status = "cancelled" });
        var ended = await merchant.Http.GetWaiting($"/api/v1/terminal-actions/{created.Str("id")}", 5).Expect(200);
        Assert.Equal("cancelled", ended.Str("status"));

        var again = await merchant.Http.PostAsync($"/api/v1/terminal-actions/{id}/cancel", null).Expect(202);
        Assert.Equal("cancelled", again.Str("status")); // an ended action stays as it ended
    }

    [Fact]
    public async Task CancellingAPendingActionEndsItAtOnceAndTheTerminalNeverProceeds()
    {
        var merchant = await relay.NewMerchantAsync();
        var (terminalId, deviceToken) = await relay.ActivateNewAsync(merchant);
        var queued = await Act(merchant, terminalId, new { type = "print", print = new { text = "Hello" }, queueIfOffline = true })
            .Expect(201);
        var cancel = await merchant.Http.PostAsync($"/api/v1/terminal-actions/{queued.Str("id")}/cancel", null).Expect(202);
        Assert.Equal("cancelled", cancel.Str("status"));

        var inbox = new ActionInbox();
        await using var hub = await relay.ConnectRawAsync(deviceToken, inbox.Listen);
        Assert.False((bool)(await hub.InvokeAsync<JsonObject>("ActionReceived", queued.Str("id")))["proceed"]!);
        await Task.Delay(300);
        Assert.False(inbox.Starts.Reader.TryRead(out _));
    }

    [Fact]
    public async Task AnIdempotencyKeyReplaysItsActionAndRefusesAnotherBody()
    {
        var merchant = await relay.NewMerchantAsync();
        var inbox = new ActionInbox();
        var (hub, terminalId) = await relay.ConnectNewAsync(merchant, inbox.Listen);
        await using var _ = hub;
        var key = Guid.NewGuid().ToString();
        var first = await Act(merchant, terminalId, new { type = "display", display = new { text = "Welcome" } }, key).Expect(201);

        var replay = await Act(merchant, terminalId, new { type = "display", display = new { text = "Welcome" } }, key);
        Assert.Equal(200, (int)replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Str("id"), (await replay.Json()).Str("id"));
        await Act(merchant, terminalId, new { type = "display", display = new { text = "Goodbye" } }, key)
            .ExpectProblem(422, "idempotency-key-reused");
        await merchant.Http.PostJson($"/api/v1/terminals/{terminalId}/actions", new { type = "ping" })
            .ExpectProblem(400, "idempotency-key-missing");

        var list = await merchant.Http.GetAsync($"/api/v1/terminals/{terminalId}/actions").Expect(200);
        Assert.Equal(first.Str("id"), Assert.Single(list["items"]!.AsArray())!.Str("id"));
    }

    [Fact]
    public async Task ABadActionIsRefusedFieldByField()
    {
        var merchant = await relay.NewMerchantAsync();
        var (hub, terminalId) = await relay.ConnectNewAsync(merchant);
        await using var _ = hub;
        var problem = await Act(merchant, terminalId, new
        {
            type = "collect_inputs", timeoutSeconds = 1,
            inputs = new object[]
            {
                new { id = "a", kind = "selection", prompt = "Pick", choices = new[] { "only one" } },
                new { id = "a", kind = "telepathy", prompt = "" },
                new { id = "c", kind = "number", prompt = "How many?", min = 5, max = 1 },
            },
        }).ExpectProblem(400, "validation-failed");
        var errors = problem["errors"]!.AsObject();
        string[] fields = ["timeoutSeconds", "inputs[0].choices", "inputs[1].id", "inputs[1].kind", "inputs[1].prompt", "inputs[2].min"];
        foreach (var field in fields)
        {
            Assert.True(errors.ContainsKey(field), $"{field} missing from {errors.ToJsonString()}");
        }

        await Act(merchant, terminalId, new { type = "display", display = new { total = 500 } }).ExpectProblem(400, "validation-failed");
        await Act(merchant, terminalId, new { type = "ping", print = new { text = "x" } }).ExpectProblem(400, "validation-failed");
        await Act(merchant, terminalId, new { type = "teleport" }).ExpectProblem(400, "validation-failed");
        await Act(merchant, terminalId, new { type = "print", print = new { text = "a", qrCode = "b" } })
            .ExpectProblem(400, "validation-failed");
        var inputs = Enumerable.Range(0, 6).Select(i => new { id = $"i{i}", kind = "confirm", prompt = "OK?" }).ToArray();
        await Act(merchant, terminalId, new { type = "collect_inputs", inputs }).ExpectProblem(400, "validation-failed");
        Assert.Empty((await merchant.Http.GetAsync($"/api/v1/terminals/{terminalId}/actions").Expect(200))["items"]!.AsArray());
    }

    [Fact]
    public async Task AnotherAccountsTerminalAndActionsAreNotFound()
    {
        var merchant = await relay.NewMerchantAsync();
        var other = await relay.NewMerchantAsync();
        var (hub, terminalId) = await relay.ConnectNewAsync(merchant);
        await using var _ = hub;
        var action = await Act(merchant, terminalId, new { type = "display", display = new { text = "Hi" } }).Expect(201);

        await Act(other, terminalId, new { type = "ping" }).ExpectProblem(404, "not-found");
        await other.Http.GetAsync($"/api/v1/terminal-actions/{action.Str("id")}").ExpectProblem(404, "not-found");
        await other.Http.GetAsync($"/api/v1/terminals/{terminalId}/actions").ExpectProblem(404, "not-found");
        await other.Http.PostAsync($"/api/v1/terminal-actions/{action.Str("id")}/cancel", null).ExpectProblem(404, "not-found");
        Assert.Equal("pending", (await merchant.Http.GetAsync($"/api/v1/terminal-actions/{action.Str("id")}").Expect(200)).Str("status"));
    }
}
