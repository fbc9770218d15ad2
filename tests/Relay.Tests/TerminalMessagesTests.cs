using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>The terminal's screen, printer, device events and questions reach the POS as events,
/// and its answers reach the terminal.</summary>
public sealed class TerminalMessagesTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task SimulatedPaymentShowsItsScreensReceiptsAndCardEventsInOrder()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250, wait: 30).Expect(201)).Str("id");

        var story = (await History(merchant, $"terminalId={terminal.TerminalId}"))
            .SkipWhile(e => e.Str("type") != "transaction.updated").Select(Describe).ToList();

        Assert.Equal(
        [
            "transaction.updated pending", "transaction.updated delivered", "terminal.display Present card",
            "terminal.event card_inserted", "transaction.updated in_progress", "terminal.display Enter PIN",
            "terminal.display Authorising", "terminal.display Approved", "terminal.print merchant", "terminal.print customer",
            "terminal.event card_removed", "transaction.updated approved",
        ], story);
        var receipts = (await History(merchant, "type=terminal.print")).ToList();
        Assert.All(receipts, r => Assert.Equal(id, r.Str("transactionId")));
        Assert.Contains("APPROVED", receipts[0]["data"]!.Str("text"));
        Assert.Equal(id, (await History(merchant, "type=terminal.display"))[0]["data"]!.Str("transactionId"));
    }

    [Fact]
    public async Task TerminalMessagesWithoutATransactionAreEventsOfTheTerminal()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);

        await terminal.Client.DisplayAsync(null, "Welcome");
        await terminal.Client.NotifyAsync(new TerminalNotification("maintenance_required", new { code = 7, part = "printer" }));
        await terminal.Client.PrintAsync(null, ReceiptKind.Merchant, "END OF DAY\nTOTAL 0.00");

        var events = await History(merchant,
            $"terminalId={terminal.TerminalId}&type=terminal.display&type=terminal.event&type=terminal.print");
        Assert.Equal(["terminal.display Welcome", "terminal.event maintenance_required", "terminal.print merchant"],
            events.Select(Describe));
        Assert.All(events, e => Assert.Null(e["transactionId"]));
        Assert.Equal(7, (int)events[1]["data"]!["data"]!["code"]!);
        Assert.Equal("END OF DAY\nTOTAL 0.00", events[2]["data"]!.Str("text"));
    }

    [Fact]
    public async Task TerminalMessagesAreCheckedBeforeTheyBecomeEvents()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await using var other = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(other, "till-2");
        var othersTransaction = (await merchant.PurchaseAsync("till-2", 1250, wait: 30).Expect(201)).Str("id");

        await Assert.ThrowsAsync<HubException>(() => terminal.Client.DisplayAsync(othersTransaction, "Present card"));
        await Assert.ThrowsAsync<HubException>(() => terminal.Client.DisplayAsync("not-an-id", "Present card"));
        await Assert.ThrowsAsync<HubException>(() => terminal.Client.DisplayAsync(null, new string('x', 1001)));
        await Assert.ThrowsAsync<HubException>(() => terminal.Client.NotifyAsync(new TerminalNotification("Card Inserted!")));
        await Assert.ThrowsAsync<HubException>(() =>
            terminal.Client.RequestInputAsync(othersTransaction, new InputRequest("q", InputKind.Confirm, "OK?")));
        Assert.Empty(await History(merchant,
            $"terminalId={terminal.TerminalId}&type=terminal.display&type=terminal.event&type=terminal.input_requested"));
    }

    [Theory]
    [InlineData("\"yes\"", "approved", "Approved")]
    [InlineData("true", "approved", "Approved")]
    [InlineData("\"no\"", "declined", "Signature declined")]
    [InlineData("false", "declined", "Signature declined")]
    public async Task SignatureQuestionIsAnsweredByThePos(string value, string status, string responseText)
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1254).Expect(201)).Str("id");

        var question = await QuestionAsync(merchant, id);
        Assert.Equal("signature", question["data"]!.Str("requestId"));
        Assert.Equal("confirm", question["data"]!.Str("kind"));
        Assert.Equal("Signature OK?", question["data"]!.Str("prompt"));
        var answered = await merchant.Http.PostRaw($"/api/v1/transactions/{id}/inputs/signature", $"{{\"value\":{value}}}").Expect(200);
        Assert.Equal(status == "approved" ? "yes" : "no", answered.Str("value"));
        Assert.NotNull(answered["answeredAt"]);

        var done = await merchant.GetTransactionAsync(id, wait: 30);
        Assert.Equal(status, done.Str("status"));
        Assert.Equal(responseText, done["result"]!.Str("responseText"));
        var answer = Assert.Single(await History(merchant, "type=terminal.input_answered"));
        Assert.Equal(answered.Str("value"), answer["data"]!.Str("value"));
        await merchant.Http.PostJson($"/api/v1/transactions/{id}/inputs/signature", new { value = "yes" })
            .ExpectProblem(409, "input-answered");
    }

    [Fact]
    public async Task UnansweredSignatureQuestionTakesTheTerminalsTimeoutPath()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: true, signatureTimeout: TimeSpan.FromSeconds(5));
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1254).Expect(201)).Str("id");
        await QuestionAsync(merchant, id);

        var done = await merchant.GetTransactionAsync(id, wait: 30);

        Assert.Equal("declined", done.Str("status"));
        Assert.Equal("Signature not confirmed", done["result"]!.Str("responseText"));
        await merchant.Http.PostJson($"/api/v1/transactions/{id}/inputs/signature", new { value = "yes" })
            .ExpectProblem(409, "input-expired");
    }

    [Fact]
    public async Task AnswersAreCheckedAndScopedToTheAccount()
    {
        var merchant = await relay.NewMerchantAsync();
        var stranger = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");
        await terminal.AcceptNextAsync();
        await terminal.Client.RequestInputAsync(id, new InputRequest("tip", InputKind.Text, "Tip amount?", 120));
        await terminal.Client.RequestInputAsync(id,
            new InputRequest("tip", InputKind.Text, "Tip amount?", 120)); // a resend is the same question
        Assert.Single(await History(merchant, "type=terminal.input_requested"));

        await merchant.Http.PostJson($"/api/v1/transactions/{id}/inputs/nope", new { value = "5" }).ExpectProblem(404, "not-found");
        await stranger.Http.PostJson($"/api/v1/transactions/{id}/inputs/tip", new { value = "5" }).ExpectProblem(404, "not-found");
        await merchant.Http.PostJson($"/api/v1/transactions/{id}/inputs/tip", new { value = "" }).ExpectProblem(400, "validation-failed");
        await merchant.Http.PostJson($"/api/v1/transactions/{id}/inputs/tip", new { }).ExpectProblem(400, "validation-failed");
        await merchant.Http.PostJson($"/api/v1/transactions/{id}/inputs/tip", new { value = new string('9', 501) })
            .ExpectProblem(400, "validation-failed");
        await merchant.Http.PostRaw($"/api/v1/transactions/{id}/inputs/tip", "{\"value\":").ExpectProblem(400, "validation-failed");

        var received = new TaskCompletionSource<InputResponse>();
        terminal.Client.InputResponseReceived += r => { received.TrySetResult(r); return Task.CompletedTask; };
        var answered = await merchant.Http.PostJson($"/api/v1/transactions/{id}/inputs/tip", new { value = "5.00" }).Expect(200);
        Assert.Equal("5.00", answered.Str("value"));
        Assert.Equal(new InputResponse(id, "tip", "5.00"), await received.Task.WaitAsync(TimeSpan.FromSeconds(Scenario.Patience)));
    }

    [Fact]
    public async Task AskAsyncGetsAnAnswerGivenWhileTheTerminalWasAway()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");
        await terminal.AcceptNextAsync();
        await terminal.Client.RequestInputAsync(id, new InputRequest("ok", InputKind.Confirm, "Proceed?", 60));
        await merchant.Http.PostJson($"/api/v1/transactions/{id}/inputs/ok", new { value = "yes" }).Expect(200);

        // The terminal asks (again) after the answer was given: the relay answers at once with the stored value.
        Assert.Equal("yes", await terminal.Client.AskAsync(id, new InputRequest("ok", InputKind.Confirm, "Proceed?", 60)));
    }

    private static async Task<JsonNode> QuestionAsync(Merchant merchant, string transactionId)
    {
        JsonNode? question = null;
        await Scenario.Eventually(async () =>
        {
            question = (await History(merchant, "type=terminal.input_requested"))
                .FirstOrDefault(e => e.Str("transactionId") == transactionId);
            return question is not null;
        }, "the terminal asked its question");
        return question!;
    }

    private static async Task<List<JsonNode>> History(Merchant merchant, string query) =>
        (await merchant.Http.GetAsync($"/api/v1/events?after=0&limit=200&{query}").Expect(200))["items"]!.AsArray()
            .Select(e => e!).ToList();

    private static string Describe(JsonNode e) => e.Str("type") switch
    {
        "transaction.updated" => "transaction.updated " + e["data"]!.Str("status"),
        "terminal.display" => "terminal.display " + e["data"]!.Str("text"),
        "terminal.print" => "terminal.print " + e["data"]!.Str("receipt"),
        "terminal.event" => "terminal.event " + e["data"]!.Str("kind"),
        var other => other,
    };
}
