using System.Text.Json.Nodes;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>The POS's live view: GET /api/v1/events as a Server-Sent Events stream, resumable with Last-Event-ID.</summary>
public sealed class EventStreamTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task StreamDeliversAPaymentsWholeStoryInOrder()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");
        await using var stream = await EventStreamReader.OpenAsync(merchant.Http);

        var id = (await merchant.PurchaseAsync("till-1", 1250).Expect(201)).Str("id");
        var transaction = await terminal.AcceptNextAsync();
        await terminal.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(transaction.Id, 1250));

        var story = await stream.UntilAsync(e => e.Type == "transaction.updated" && e.Data.Str("status") == "approved");
        var updates = story.Where(e => e.Type == "transaction.updated").ToList();
        Assert.Equal(["pending", "delivered", "in_progress", "approved"], updates.Select(e => e.Data.Str("status")));
        Assert.All(updates, e => Assert.Equal(id, e.Data.Str("id")));
        AssertConsecutive(story);

        // The last event carries the transaction exactly as GET returns it, result and all.
        var final = await merchant.GetTransactionAsync(id);
        Assert.True(JsonNode.DeepEquals(final, story[^1].Data), $"{final}\n!=\n{story[^1].Data}");
        Assert.Equal(final.AsObject().Select(p => p.Key), story[^1].Data.AsObject().Select(p => p.Key)); // and in the same order
        Assert.Equal("A1B2C3", story[^1].Data["result"]!.Str("authCode"));
    }

    [Fact]
    public async Task EventEnvelopeCarriesTheIdsOfWhatItIsAbout()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(terminal, "till-1");
        var id = (await merchant.PurchaseAsync("till-1", 1250, wait: 30).Expect(201)).Str("id");

        var history = await merchant.Http.GetAsync("/api/v1/events?after=0&limit=200").Expect(200);
        var update = history["items"]!.AsArray().First(e => e!.Str("type") == "transaction.updated")!;
        Assert.Equal("till-1", update.Str("registerId"));
        Assert.Equal(terminal.TerminalId, update.Str("terminalId"));
        Assert.Equal(id, update.Str("transactionId"));
        Assert.True(DateTimeOffset.TryParse(update.Str("occurredAt"), out _));
        Assert.Equal("number", JsonValueKind(update["id"]));
    }

    [Fact]
    public async Task ClientThatDisconnectsMidPaymentResumesWithExactlyTheEventsItMissed()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(terminal, "till-1");

        long lastSeen;
        await using (var first = await EventStreamReader.OpenAsync(merchant.Http))
        {
            await merchant.PurchaseAsync("till-1", 1250).Expect(201);
            var pending = await first.NextAsync();
            Assert.Equal("pending", pending.Data.Str("status"));
            lastSeen = pending.Id;
        }

        // While the POS is away the payment goes on.
        var transaction = await terminal.AcceptNextAsync();
        await terminal.Client.CompleteTransactionAsync(DeliveryScript.ApprovedResult(transaction.Id, 1250));
        await merchant.GetTransactionAsync(transaction.Id, wait: 10);

        await using var resumed = await EventStreamReader.OpenAsync(merchant.Http, lastEventId: lastSeen);
        var missed = await resumed.UntilAsync(e => e.Type == "transaction.updated" && e.Data.Str("status") == "approved");
        Assert.Equal(lastSeen + 1, missed[0].Id);
        AssertConsecutive(missed);
        Assert.Equal(["delivered", "in_progress", "approved"],
            missed.Where(e => e.Type == "transaction.updated").Select(e => e.Data.Str("status")));
        Assert.True(await resumed.QuietForAsync(TimeSpan.FromMilliseconds(500)), "an event was repeated or invented after the story ended");
    }

    [Fact]
    public async Task StreamWithoutLastEventIdStartsWithWhatHappensFromNowOn()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PurchaseAsync("till-1", 1250, wait: 30).Expect(201);

        await using var stream = await EventStreamReader.OpenAsync(merchant.Http);
        Assert.True(await stream.QuietForAsync(TimeSpan.FromMilliseconds(300)), "old events were replayed to a new stream");
        await merchant.Http.DeleteAsync("/api/v1/registers/till-1/pairing").Expect(204);

        var next = await stream.NextAsync();
        Assert.Equal("pairing.changed", next.Type);
        Assert.False((bool)next.Data["paired"]!);
    }

    [Fact]
    public async Task StreamFiltersByRegisterAndTerminal()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var one = await relay.NewTerminalAsync(merchant, simulate: true);
        await using var two = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(one, "till-1");
        await merchant.PairAsync(two, "till-2");
        await using var byRegister = await EventStreamReader.OpenAsync(merchant.Http, "?registerId=till-2");
        await using var byTerminal = await EventStreamReader.OpenAsync(merchant.Http, $"?terminalId={one.TerminalId}");

        await merchant.PurchaseAsync("till-1", 100, wait: 30).Expect(201);
        await merchant.PurchaseAsync("till-2", 200, wait: 30).Expect(201);

        var till2 = await byRegister.UntilAsync(e => e.Type == "transaction.updated" && e.Data.Str("status") == "approved");
        Assert.All(till2, e => Assert.Equal("till-2", e.Event.Str("registerId")));
        Assert.All(till2.Where(e => e.Type == "transaction.updated"), e => Assert.Equal(200, (long)e.Data["amount"]!));
        var terminalOne = await byTerminal.UntilAsync(e => e.Type == "transaction.updated" && e.Data.Str("status") == "approved");
        Assert.All(terminalOne, e => Assert.Equal(one.TerminalId, e.Event.Str("terminalId")));
        Assert.All(terminalOne.Where(e => e.Type == "transaction.updated"), e => Assert.Equal(100, (long)e.Data["amount"]!));
    }

    [Fact]
    public async Task PairingAndPresenceChangesAreEvents()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var stream = await EventStreamReader.OpenAsync(merchant.Http);
        var first = await relay.NewTerminalAsync(merchant, simulate: false);
        await using var second = await relay.NewTerminalAsync(merchant, simulate: false);

        var online = await stream.NextAsync();
        Assert.Equal("terminal.online", online.Type);
        Assert.Equal(first.TerminalId, online.Data.Str("terminalId"));
        Assert.True((bool)online.Data["online"]!);
        Assert.Equal("terminal.online", (await stream.NextAsync()).Type);

        await merchant.PairAsync(first, "till-1", "Till 1");
        var paired = await stream.NextAsync();
        Assert.Equal("pairing.changed", paired.Type);
        Assert.Equal("till-1", paired.Data.Str("registerId"));
        Assert.Equal(first.TerminalId, paired.Data.Str("terminalId"));
        Assert.True((bool)paired.Data["paired"]!);

        await merchant.PairAsync(second, "till-1", "Till 1");
        var left = await stream.NextAsync();
        var moved = await stream.NextAsync();
        Assert.Equal((first.TerminalId, false), (left.Data.Str("terminalId"), (bool)left.Data["paired"]!));
        Assert.Equal((second.TerminalId, true), (moved.Data.Str("terminalId"), (bool)moved.Data["paired"]!));
        Assert.Equal(first.TerminalId, moved.Data.Str("replacedTerminalId"));

        await first.DisposeAsync();
        var offline = await stream.NextAsync();
        Assert.Equal("terminal.offline", offline.Type);
        Assert.Equal(first.TerminalId, offline.Data.Str("terminalId"));
        Assert.False((bool)offline.Data["online"]!);
        Assert.Equal(["terminalId", "label", "online", "lastSeenAt"], offline.Data.AsObject().Select(p => p.Key));
        var shown = await merchant.Http.GetAsync($"/api/v1/terminals/{first.TerminalId}").Expect(200);
        Assert.Equal(shown.Str("lastSeenAt"), offline.Data.Str("lastSeenAt"));
        Assert.Equal(shown["label"]?.ToJsonString(), offline.Data["label"]?.ToJsonString());
    }

    [Fact]
    public async Task AccountsSeeOnlyTheirOwnEventsNumberedFromOne()
    {
        var mine = await relay.NewMerchantAsync();
        var theirs = await relay.NewMerchantAsync();
        await using var theirStream = await EventStreamReader.OpenAsync(theirs.Http);
        await using var terminal = await relay.NewTerminalAsync(mine, simulate: true);
        await mine.PairAsync(terminal, "till-1");
        await mine.PurchaseAsync("till-1", 1250, wait: 30).Expect(201);

        var history = (await mine.Http.GetAsync("/api/v1/events?after=0").Expect(200))["items"]!.AsArray();
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => (long)e!["id"]!));
        Assert.True(await theirStream.QuietForAsync(TimeSpan.FromMilliseconds(300)), "another account's events leaked into this stream");
        Assert.Empty((await theirs.Http.GetAsync("/api/v1/events?after=0").Expect(200))["items"]!.AsArray());
        Assert.Empty((await theirs.Http.GetAsync($"/api/v1/events?after=0&terminalId={terminal.TerminalId}").Expect(200))["items"]!
            .AsArray());
    }

    [Fact]
    public async Task ConcurrentPaymentsGetGapFreeNumbersInOrderAndTheStreamMissesNone()
    {
        // Events are numbered after their writers commit (in commit order); writers on six terminals at once must
        // still give one gap-free sequence, each payment's story in order, and a stream that sees every one of them.
        var merchant = await relay.NewMerchantAsync();
        var terminals = new List<TestTerminal>();
        for (var i = 1; i <= 6; i++)
        {
            var terminal = await relay.NewTerminalAsync(merchant, simulate: true);
            await merchant.PairAsync(terminal, $"till-{i}");
            terminals.Add(terminal);
        }

        await using var stream = await EventStreamReader.OpenAsync(merchant.Http);
        var ids = await Task.WhenAll(Enumerable.Range(1, 6).Select(async i =>
            (await merchant.PurchaseAsync($"till-{i}", 1000 + i, wait: 30).Expect(201)).Str("id")));

        var approved = 0;
        var streamed = await stream.UntilAsync(e =>
            e.Type == "transaction.updated" && e.Data.Str("status") == "approved" && ++approved == 6);
        var history = (await merchant.Http.GetAsync("/api/v1/events?after=0&limit=200").Expect(200))["items"]!.AsArray()
            .Select(e => e!).ToList();

        var numbers = history.Select(e => (long)e["id"]!).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);
        AssertConsecutive(streamed);
        Assert.Equal(numbers.SkipWhile(n => n < streamed[0].Id).Take(streamed.Count), streamed.Select(e => e.Id));
        foreach (var id in ids)
        {
            var statuses = history.Where(e => e.Str("type") == "transaction.updated" && e["data"]!.Str("id") == id)
                .Select(e => e["data"]!.Str("status"));
            Assert.Equal(["pending", "delivered", "in_progress", "approved"], statuses);
        }

        foreach (var terminal in terminals) await terminal.DisposeAsync();
    }

    [Fact]
    public async Task HistoryPagesInOrderAndFiltersByType()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant, simulate: true);
        await merchant.PairAsync(terminal, "till-1");
        await merchant.PurchaseAsync("till-1", 1250, wait: 30).Expect(201);
        await merchant.PurchaseAsync("till-1", 1300, wait: 30).Expect(201);

        var all = (await merchant.Http.GetAsync("/api/v1/events?after=0&limit=200").Expect(200))["items"]!.AsArray()
            .Select(e => (long)e!["id"]!).ToList();
        var paged = new List<long>();
        var url = "/api/v1/events?limit=3";
        while (true)
        {
            var page = await merchant.Http.GetAsync(url).Expect(200);
            paged.AddRange(page["items"]!.AsArray().Select(e => (long)e!["id"]!));
            if (page["nextCursor"] is null) break;
            url = $"/api/v1/events?limit=3&cursor={page.Str("nextCursor")}";
        }

        Assert.Equal(all, paged);
        var updates = (await merchant.Http.GetAsync("/api/v1/events?type=transaction.updated&limit=200").Expect(200))["items"]!.AsArray();
        Assert.Equal(8, updates.Count);
        var after = (await merchant.Http.GetAsync($"/api/v1/events?after={all[^2]}").Expect(200))["items"]!.AsArray();
        Assert.Equal([all[^1]], after.Select(e => (long)e!["id"]!));
    }

    [Theory]
    [InlineData("?type=transaction.exploded", "type")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?after=-1", "after")]
    [InlineData("?cursor=%%%", "cursor")]
    public async Task BadHistoryQueriesAreValidationProblems(string query, string field)
    {
        var merchant = await relay.NewMerchantAsync();
        var problem = await merchant.Http.GetAsync("/api/v1/events" + query).ExpectProblem(400, "validation-failed");
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task StreamRefusesALastEventIdItNeverSent()
    {
        var merchant = await relay.NewMerchantAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events");
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Last-Event-ID", "yesterday");
        await merchant.Http.SendAsync(request).ExpectProblem(400, "validation-failed");
        await relay.Factory.CreateClient().GetAsync("/api/v1/events").ExpectProblem(401, "unauthenticated");
    }

    private static string JsonValueKind(JsonNode? node) => node!.GetValueKind().ToString().ToLowerInvariant();

    private static void AssertConsecutive(IReadOnlyList<StreamedEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].Id == events[i - 1].Id + 1, $"event {events[i].Id} followed {events[i - 1].Id}");
        }
    }
}

/// <summary>An idle stream gets heartbeat comments so proxies keep it open.</summary>
public sealed class EventStreamHeartbeatTests(EventStreamHeartbeatTests.Fixture relay) : IClassFixture<EventStreamHeartbeatTests.Fixture>
{
    public sealed class Fixture() : RelayFixture(new Dictionary<string, string> { ["Relay:Events:HeartbeatInterval"] = "00:00:00.200" });

    [Fact]
    public async Task IdleStreamGetsHeartbeatComments()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var stream = await EventStreamReader.OpenAsync(merchant.Http);
        var before = stream.Comments;
        await Scenario.Eventually(() => Task.FromResult(stream.Comments >= before + 2), "two heartbeats arrived");
        Assert.True(await stream.QuietForAsync(TimeSpan.FromMilliseconds(100)), "a heartbeat was sent as an event");
    }
}
