using System.Globalization;
using System.Text.Json.Nodes;
using Relay.Terminal;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <summary>
/// GET /api/v1/reports/totals over payments made through the real loop (the SDK and the simulator as the terminals): the
/// totals are exactly what the test made, per type, status and currency, and every filter narrows them.
/// </summary>
public sealed class TotalsTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    /// <summary>A transaction the test made, with what it expects the relay to sum of it.</summary>
    private sealed record Made(
        string Type, string Status, string? Currency, long Amount, long Authorised, long Tip, long CashOut, long Surcharge,
        string TerminalId, string RegisterId, int Day);

    [Fact]
    public async Task TotalsEqualWhatTheTestMadePerTypeStatusAndCurrencyAndEachFilterNarrowsThem()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var north = await TerminalInStoreAsync(merchant, "store-north");
        await using var south = await TerminalInStoreAsync(merchant, "store-south");
        await merchant.PairAsync(north, "till-1");
        await merchant.PairAsync(south, "till-2");
        var lapsing = await OfflineTerminalInStoreAsync(merchant, "store-north", "till-3");
        string a = north.TerminalId, b = south.TerminalId;
        var made = new List<Made>();
        var start = relay.Clock.GetUtcNow();

        async Task Pay(string register, string terminal, object body, Made expected)
        {
            var done = await merchant.Http.PostJson("/api/v1/transactions", body, Guid.NewGuid().ToString(), wait: 10).Expect(201);
            Assert.Equal(expected.Status, done.Str("status"));
            made.Add(expected with { TerminalId = terminal, RegisterId = register });
        }

        Made Purchase(string status, string currency, long amount, long authorised, long tip = 0, long cashOut = 0, long surcharge = 0,
            string type = "purchase", int day = 0) => new(type, status, currency, amount, authorised, tip, cashOut, surcharge, "", "", day);

        await Pay("till-1", a, Body("till-1", amount: 1000), Purchase("approved", "NZD", 1000, 1000));
        await Pay("till-1", a, Body("till-1", amount: 2000, tipAmount: 150), Purchase("approved", "NZD", 2000, 2150, tip: 150));
        await Pay("till-1", a, Body("till-1", amount: 2000, cashOutAmount: 1000), Purchase("approved", "NZD", 2000, 3000, cashOut: 1000));
        await Pay("till-1", a, Body("till-1", amount: 1200, options: new { surchargeAmount = 50 }),
            Purchase("approved", "NZD", 1200, 1250, surcharge: 50));
        var tipOnTerminal = new { tipping = new { onTerminal = true, percentages = new[] { 10 } } };
        await Pay("till-1", a, Body("till-1", amount: 2056, options: tipOnTerminal),
            Purchase("approved", "NZD", 2056, 2262, tip: 206)); // the tip chosen on the terminal: 10% of 20.56, rounded
        await Pay("till-1", a, Body("till-1", amount: 1055, options: new { allowPartialAuthorisation = true }),
            Purchase("approved", "NZD", 1055, 527)); // a partial approval of half
        await Pay("till-1", a, Body("till-1", amount: 1251), Purchase("declined", "NZD", 1251, 0));
        await Pay("till-1", a, Body("till-1", type: "refund", amount: 500), Purchase("approved", "NZD", 500, 500, type: "refund"));
        await Pay("till-1", a, Body("till-1", amount: 1000, currency: "AUD"), Purchase("approved", "AUD", 1000, 1000));
        await Pay("till-2", b, Body("till-2", amount: 3000, currency: "AUD"), Purchase("approved", "AUD", 3000, 3000));
        await Pay("till-2", b, Body("till-2", amount: 4051, currency: "AUD"), Purchase("declined", "AUD", 4051, 0));
        await Pay("till-2", b, Body("till-2", amount: 1500), Purchase("approved", "NZD", 1500, 1500));
        await Pay("till-2", b, new { registerId = "till-2", type = "logon" },
            new Made("logon", "approved", null, 0, 0, 0, 0, 0, "", "", 0)); // no amount, no currency

        // Open transactions are not in the totals: one the terminal holds (an amount ending 53) until it is cancelled, and
        // one the offline terminal never receives, until it expires.
        var held = await merchant.Http.PostJson("/api/v1/transactions", Body("till-2", amount: 1053), Guid.NewGuid().ToString())
            .Expect(201);
        var undelivered = await merchant.Http.PostJson("/api/v1/transactions", new
        {
            registerId = "till-3", type = "purchase", amount = 1250, currency = "NZD", expiresInSeconds = 60,
        }, Guid.NewGuid().ToString()).Expect(201);
        var whileOpen = relay.Clock.GetUtcNow().AddMinutes(1);
        Assert.Equal(Expected(made), await TotalsAsync(merchant, start, whileOpen));

        await merchant.PostCancelAsync(held.Str("id")).Expect(202);
        Assert.Equal("cancelled", (await merchant.GetTransactionAsync(held.Str("id"), wait: 10)).Str("status"));
        made.Add(Purchase("cancelled", "NZD", 1053, 0) with { TerminalId = b, RegisterId = "till-2" });
        relay.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("expired", (await merchant.GetTransactionAsync(undelivered.Str("id"), wait: 10)).Str("status"));
        made.Add(Purchase("expired", "NZD", 1250, 0) with { TerminalId = lapsing, RegisterId = "till-3" });

        // The next day.
        var endOfDayOne = relay.Clock.GetUtcNow();
        relay.Clock.Advance(TimeSpan.FromDays(1));
        await Pay("till-1", a, Body("till-1", amount: 700), Purchase("approved", "NZD", 700, 700, day: 1));
        await Pay("till-2", b, Body("till-2", amount: 800, currency: "AUD"), Purchase("approved", "AUD", 800, 800, day: 1));
        var end = relay.Clock.GetUtcNow().AddMinutes(1);

        Assert.Equal(Expected(made), await TotalsAsync(merchant, start, end));
        Assert.Equal(Expected(made.Where(m => m.Day == 0)), await TotalsAsync(merchant, start, endOfDayOne));
        Assert.Equal(Expected(made.Where(m => m.Day == 1)), await TotalsAsync(merchant, endOfDayOne, end));
        Assert.Equal(Expected(made.Where(m => m.TerminalId == b)), await TotalsAsync(merchant, start, end, $"&terminalId={b}"));
        Assert.Equal(Expected(made.Where(m => m.RegisterId == "till-1")), await TotalsAsync(merchant, start, end, "&registerId=till-1"));
        Assert.Equal(Expected(made.Where(m => m.TerminalId != b)), await TotalsAsync(merchant, start, end, "&storeId=store-north"));
        Assert.Equal(Expected(made.Where(m => m.TerminalId == b)), await TotalsAsync(merchant, start, end, "&storeId=store-south"));
        Assert.Equal(Expected(made.Where(m => m.TerminalId == a && m.Day == 1)),
            await TotalsAsync(merchant, endOfDayOne, end, $"&terminalId={a}&storeId=store-north&registerId=till-1"));
        Assert.Empty(await TotalsAsync(merchant, start, end, "&registerId=till-1&storeId=store-south"));
        Assert.Empty(await TotalsAsync(merchant, start, end, "&storeId=store-east"));
        Assert.Empty(await TotalsAsync(merchant, end, end.AddDays(1)));

        // The period in another offset is the same instants; the response repeats what was asked.
        var nz = TimeSpan.FromHours(13);
        var body = await merchant.Http.GetAsync(Url(start.ToOffset(nz), end.ToOffset(nz), "&storeId=store-south")).Expect(200);
        Assert.Equal(Expected(made.Where(m => m.TerminalId == b)), Lines(body));
        Assert.Equal(start.ToOffset(nz), DateTimeOffset.Parse(body.Str("from"), CultureInfo.InvariantCulture));
        Assert.Equal("+13:00", body.Str("from")[^6..]);
        Assert.Equal("store-south", body.Str("storeId"));
        Assert.Null(body["terminalId"]);
        Assert.Null(body["registerId"]);
        var audApproved = body["totals"]!.AsArray().Single(r => (string?)r!["currency"] == "AUD" && (string?)r["status"] == "approved")!;
        Assert.Equal(System.Text.Json.JsonValueKind.Number, audApproved["amount"]!.GetValueKind());
        Assert.Equal("3800", audApproved["amount"]!.ToJsonString()); // an integer, as JSON writes it

        // Another account sees none of it, by period or by this account's terminal.
        var stranger = await relay.NewMerchantAsync();
        Assert.Empty(await TotalsAsync(stranger, start, end));
        Assert.Empty(await TotalsAsync(stranger, start, end, $"&terminalId={a}"));
        Assert.Empty(await TotalsAsync(stranger, start, end, "&storeId=store-north"));
    }

    [Fact]
    public async Task TransactionsTheTerminalMadeCountBesideThePossAndTheOriginFilterSeparatesThem()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await TerminalInStoreAsync(merchant, "store-east");
        await merchant.PairAsync(terminal, "till-1");
        var from = relay.Clock.GetUtcNow().AddMinutes(-10);
        await merchant.Http.PostJson("/api/v1/transactions", Body("till-1", 1000), Guid.NewGuid().ToString(), wait: 10).Expect(201);
        var occurred = relay.Clock.GetUtcNow().AddMinutes(-1);
        foreach (var (reference, amount, outcome) in new[]
                 {
                     ("S-1", 1250L, TransactionOutcome.Approved), ("S-2", 700L, TransactionOutcome.Approved),
                     ("S-3", 1351L, TransactionOutcome.Declined), ("S-1", 1250L, TransactionOutcome.Approved), // a retry: once
                 })
        {
            var result = TerminalOriginatedTransaction.ForReport(reference, outcome) with
            {
                AmountAuthorised = outcome == TransactionOutcome.Approved ? amount : null,
            };
            var ack = await terminal.Client.ReportTransactionAsync(
                new TerminalOriginatedTransaction(reference, "purchase", amount, "NZD", occurred, result));
            Assert.True(ack.Accepted);
        }

        var to = relay.Clock.GetUtcNow().AddMinutes(1);
        var declined = Line("purchase", "declined", "NZD", 1, 1351, 0, 0, 0, 0);
        var pos = Line("purchase", "approved", "NZD", 1, 1000, 1000, 0, 0, 0);
        List<string> both = [Line("purchase", "approved", "NZD", 3, 2950, 2950, 0, 0, 0), declined];
        Assert.Equal(both, await TotalsAsync(merchant, from, to));
        Assert.Equal([Line("purchase", "approved", "NZD", 2, 1950, 1950, 0, 0, 0), declined],
            await TotalsAsync(merchant, from, to, "&origin=terminal"));
        Assert.Equal([pos], await TotalsAsync(merchant, from, to, "&origin=pos"));
        Assert.Equal([pos], await TotalsAsync(merchant, from, to, "&registerId=till-1")); // a terminal's own have no register
        Assert.Equal(both, await TotalsAsync(merchant, from, to, "&storeId=store-east"));
        await merchant.Http.GetAsync(Url(from, to, "&origin=kiosk")).ExpectProblem(400, "validation-failed");
    }

    [Fact]
    public async Task AnOperatorsResolutionCountsUnderTheStatusItGave()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var deviceA = await relay.NewTerminalAsync(merchant, simulate: false);
        await merchant.PairAsync(deviceA, "till-1");
        var start = relay.Clock.GetUtcNow();
        var id = (await merchant.PurchaseAsync("till-1", 4200).Expect(201)).Str("id");
        await deviceA.AcceptNextAsync();
        var code = await merchant.Http.PostAsync($"/api/v1/terminals/{deviceA.TerminalId}/activation-code", null).Expect(201);
        await relay.ActivateAsync(code.Str("activationCode"), "SN-DEVICE-B").Expect(200); // device A can no longer report

        var end = relay.Clock.GetUtcNow().AddMinutes(1);
        Assert.Empty(await TotalsAsync(merchant, start, end)); // in progress: not final
        await relay.Admin().PostJson($"/api/v1/transactions/{id}/resolve", new { outcome = "declined", note = "Not charged." }).Expect(200);
        Assert.Equal(["purchase declined NZD: count 1, amount 4200, authorised 0, tip 0, cash out 0, surcharge 0"],
            await TotalsAsync(merchant, start, end));
    }

    [Fact]
    public async Task ABadPeriodOrFilterIsRefusedFieldByField()
    {
        var merchant = await relay.NewMerchantAsync();
        const string day = "from=2026-12-02T00:00:00Z&to=2026-12-03T00:00:00Z";
        async Task Refused(string query, params string[] fields)
        {
            var problem = await merchant.Http.GetAsync("/api/v1/reports/totals?" + query).ExpectProblem(400, "validation-failed");
            Assert.Equal(fields.Order(), problem["errors"]!.AsObject().Select(e => e.Key).Order());
        }

        await Refused("", "from", "to");
        await Refused("to=2026-12-03T00:00:00Z", "from");
        await Refused("from=yesterday&to=2026-12-03T00:00:00Z", "from");
        await Refused("from=2026-12-02T00:00:00Z&to=2026-13-45", "to");
        await Refused("from=2026-12-03T00:00:00Z&to=2026-12-02T00:00:00Z", "from");
        await Refused("from=2026-01-01T00:00:00Z&to=2027-02-05T00:00:01Z", "to"); // 400 days and a second
        await Refused(day + "&terminalId=till-1", "terminalId");
        await Refused(day + "&registerId=" + new string('r', 101), "registerId");
        await Refused(day + "&storeId=" + new string('s', 101) + "&registerId=%20", "storeId", "registerId");

        var empty = await merchant.Http.GetAsync("/api/v1/reports/totals?from=2026-01-01T00:00:00Z&to=2027-02-05T00:00:00Z").Expect(200);
        Assert.Empty(empty["totals"]!.AsArray());
        await relay.Factory.CreateClient().GetAsync("/api/v1/reports/totals?" + day).ExpectProblem(401, "unauthenticated");
        // Without an offset a time is UTC, whatever the server's time zone (the framework's binding).
        var dateOnly = await merchant.Http.GetAsync("/api/v1/reports/totals?from=2026-12-02&to=2026-12-03").Expect(200);
        Assert.Equal("2026-12-02T00:00:00+00:00", dateOnly.Str("from"));
    }

    private static object Body(string registerId, long amount, string type = "purchase", string currency = "NZD", long? tipAmount = null,
        long? cashOutAmount = null, object? options = null) =>
        new { registerId, type, amount, currency, tipAmount, cashOutAmount, options };

    private async Task<TestTerminal> TerminalInStoreAsync(Merchant merchant, string storeId, bool simulate = true)
    {
        var created = await merchant.Http.PostJson("/api/v1/terminals", new { label = "Till in " + storeId, storeId }).Expect(201);
        var activation = await TerminalActivation.ActivateAsync(relay.Factory.CreateClient(), relay.Factory.Server.BaseAddress,
            created.Str("activationCode"), "SN-" + Guid.NewGuid().ToString("N")[..8]);
        return await relay.ConnectAsync(activation.TerminalId, activation.DeviceToken, simulate: simulate);
    }

    /// <summary>A terminal of the store, paired with the register, then gone offline: its transactions wait, then expire.</summary>
    private async Task<string> OfflineTerminalInStoreAsync(Merchant merchant, string storeId, string registerId)
    {
        var terminal = await TerminalInStoreAsync(merchant, storeId, simulate: false);
        await merchant.PairAsync(terminal, registerId);
        await terminal.DisposeAsync();
        await merchant.WaitForPresenceAsync(terminal.TerminalId, online: false);
        return terminal.TerminalId;
    }

    private static string Url(DateTimeOffset from, DateTimeOffset to, string filters = "") =>
        $"/api/v1/reports/totals?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}{filters}";

    private static async Task<List<string>> TotalsAsync(Merchant merchant, DateTimeOffset from, DateTimeOffset to, string filters = "") =>
        Lines(await merchant.Http.GetAsync(Url(from, to, filters)).Expect(200));

    /// <summary>The response's rows, one line each, in its order.</summary>
    private static List<string> Lines(JsonNode body) => body["totals"]!.AsArray().Select(r => r!).Select(r => Line(
        r.Str("type"), r.Str("status"), (string?)r["currency"], (long)r["count"]!, (long)r["amount"]!, (long)r["amountAuthorised"]!,
        (long)r["tipAmount"]!, (long)r["cashOutAmount"]!, (long)r["surchargeAmount"]!)).ToList();

    /// <summary>What the made transactions sum to, one line per type, status and currency, in the order the relay gives.</summary>
    private static List<string> Expected(IEnumerable<Made> made) => made
        .GroupBy(m => (m.Type, m.Status, m.Currency))
        .OrderBy(g => g.Key.Type, StringComparer.Ordinal).ThenBy(g => g.Key.Status, StringComparer.Ordinal)
        .ThenBy(g => g.Key.Currency is null).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
        .Select(g => Line(g.Key.Type, g.Key.Status, g.Key.Currency, g.Count(), g.Sum(m => m.Amount), g.Sum(m => m.Authorised),
            g.Sum(m => m.Tip), g.Sum(m => m.CashOut), g.Sum(m => m.Surcharge)))
        .ToList();

    private static string Line(string type, string status, string? currency, long count, long amount, long authorised, long tip,
        long cashOut, long surcharge) =>
        $"{type} {status} {currency ?? "-"}: count {count}, amount {amount}, authorised {authorised}, tip {tip}, cash out {cashOut}, " +
        $"surcharge {surcharge}";
}
