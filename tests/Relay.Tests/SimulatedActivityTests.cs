using Relay.Terminal.Simulator.Commands;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>The simulator's own activity, typed as a user would: standalone sales and closing the batch reach the POS.</summary>
public sealed class SimulatedActivityTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task TypedSalesAndSettleReachThePosAndTheBatchHoldsWhatWasApproved()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1");
        var pos = await merchant.PurchaseAsync("till-1", 1000, wait: 15).Expect(201);
        Assert.Equal("approved", pos.Str("status"));
        await using var stream = await EventStreamReader.OpenAsync(merchant.Http, "?type=transaction.updated&type=settlement.reported");

        // 1351 ends in 51: declined, so not in the batch.
        var typed = new StringReader("sale --amount 1250\nsale --amount 1351\nsale --amount 500 --type refund\nsettle\nsettle\n");
        using var output = new StringWriter();
        await ConsoleCommands.RunAsync(typed, output, terminal.Simulator!, CancellationToken.None);

        var events = await stream.UntilAsync(e => e.Type == "settlement.reported");
        var sales = events.Where(e => e.Type == "transaction.updated").Select(e => e.Data).ToList();
        Assert.Equal([1250, 1351, 500], sales.Select(s => (long)s["amount"]!));
        Assert.All(sales, s => Assert.Equal("terminal", s.Str("origin")));
        Assert.Equal(["approved", "declined", "approved"], sales.Select(s => s.Str("status")));
        Assert.Equal(["purchase", "purchase", "refund"], sales.Select(s => s.Str("type")));

        var settlement = events.Last().Data;
        var totals = settlement["totals"]!.AsArray().Select(t => ((string)t!["type"]!, (long)t["count"]!, (long)t["amount"]!)).ToList();
        Assert.Equal([("purchase", 2L, 2250L), ("refund", 1L, 500L)], totals.OrderBy(t => t.Item1));
        Assert.Contains("SETTLEMENT OK", settlement.Str("receipt"));

        // The second settle closed a new, empty batch.
        var second = (await stream.UntilAsync(e => e.Type == "settlement.reported")).Last().Data;
        Assert.Empty(second["totals"]!.AsArray());
        Assert.Contains("relay recorded it as transaction", output.ToString() + terminal.Output);

        // A settlement the POS asks for carries the batch's totals in its result, and closes the batch too.
        await ConsoleCommands.RunAsync(new StringReader("sale --amount 800\n"), output, terminal.Simulator!, CancellationToken.None);
        var settle = await merchant.Http.PostJson("/api/v1/transactions", new { registerId = "till-1", type = "settlement" },
            Guid.NewGuid().ToString(), wait: 15).Expect(201);
        Assert.Equal("approved", settle.Str("status"));
        var line = Assert.Single(settle["result"]!["totals"]!.AsArray())!;
        Assert.Equal(("purchase", 1L, 800L, "visa"), ((string)line["type"]!, (long)line["count"]!, (long)line["amount"]!,
            (string?)line["cardScheme"]));
        var closed = (await stream.UntilAsync(e => e.Type == "settlement.reported")).Last().Data;
        Assert.Equal(800, (long)Assert.Single(closed["totals"]!.AsArray())!["amount"]!);
    }

    [Fact]
    public async Task AMistypedCommandSaysWhatIsWrongAndNothingIsReported()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        using var output = new StringWriter();
        var typed = new StringReader("sale\nsale --amount -5\nsale --amount 10 --type teleport\nfly\nsale --amount 10 --currency XYZ\n");
        await ConsoleCommands.RunAsync(typed, output,
            terminal.Simulator!, CancellationToken.None);
        var said = output.ToString();
        Assert.Contains("--amount", said);
        Assert.Contains("teleport", said);
        Assert.Contains("fly", said);
        Assert.Contains("ISO 4217", said); // refused before the card is touched, so it never waits in the outbox
        Assert.Empty((await merchant.Http.GetAsync("/api/v1/transactions").Expect(200))["items"]!.AsArray());
    }
}
