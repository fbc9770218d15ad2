using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Relay.Tests.Infrastructure;

namespace Relay.Tests;

/// <remarks>
/// Alone, after the tests that run in parallel: beside them, ASP.NET Core's request series was at times missing from this
/// relay's scrape (each relay's OpenTelemetry provider aggregates the platform's instruments of every relay in the process
/// by name, and those relays start and stop around it); in production a process holds one relay.
/// </remarks>
[Collection(nameof(TelemetryTests))]
public sealed partial class TelemetryTests(TelemetryTests.Fixture relay) : IClassFixture<TelemetryTests.Fixture>
{
    public sealed class Fixture() : RelayFixture(new Dictionary<string, string> { ["Relay:Webhooks:AllowPrivateNetworks"] = "true" })
    {
        public LogRecorder Recorded { get; } = new();

        protected override LogRecorder Logs => Recorded;
    }

    [Fact]
    public async Task MetricsNeedTheAdminKey()
    {
        var merchant = await relay.NewMerchantAsync();
        await relay.Factory.CreateClient().GetAsync("/metrics").ExpectProblem(401, "unauthenticated");
        await merchant.Http.GetAsync("/metrics").ExpectProblem(401, "unauthenticated");
    }

    [Fact]
    public async Task MetricsAfterAPaymentCountItWithItsLabelsAndTimeIt()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1", "Till 1");
        var before = Metrics.Parse(await ScrapeAsync());

        var payment = await merchant.PurchaseAsync("till-1", 1250, wait: 30).Expect(201);
        Assert.Equal("approved", payment.Str("status"));
        var after = Metrics.Parse(await ScrapeAsync());

        // The fixture's relay has a meter of its own (RelayFactory), and this class's tests run one at a time: exact counts.
        const string approved = """relay_transactions_total{origin="pos",status="approved",type="purchase"}""";
        const string delivered = """relay_transactions_total{origin="pos",status="delivered",type="purchase"}""";
        Assert.True(after.Value(approved) == before.Value(approved) + 1,
            $"{approved}: {before.Value(approved)} → {after.Value(approved)} in\n{after}");
        Assert.Equal(before.Value(delivered) + 1, after.Value(delivered));
        Assert.True(after.Value("""relay_transaction_duration_seconds_count{status="approved",type="purchase"}""") >= 1);
        Assert.True(after.Value("""relay_transaction_delivery_seconds_count{type="purchase"}""") >= 1);
        // Buckets from a millisecond to ten minutes, cumulative as Prometheus expects.
        var buckets = after.Series("relay_transaction_duration_seconds_bucket").Where(s => s.Key.Contains("type=\"purchase\"")
            && s.Key.Contains("status=\"approved\"")).ToList();
        Assert.Contains(buckets, b => b.Key.Contains("le=\"0.001\""));
        Assert.Contains(buckets, b => b.Key.Contains("le=\"600\""));
        Assert.Equal(after.Value("""relay_transaction_duration_seconds_count{status="approved",type="purchase"}"""),
            buckets.Single(b => b.Key.Contains("le=\"+Inf\"")).Value);
        Assert.True(after.Value("relay_terminals_connected") >= 1); // a terminal of an earlier test may still be going
        Assert.True(after.Value("relay_terminal_connects_total") >= 1);
        // Read from the database every 5 s (absent until the first reading).
        await Scenario.Eventually(async () => Metrics.Parse(await ScrapeAsync()).Names
                .Count(n => n is "relay_webhook_backlog" or "relay_events_numbering_lag_seconds") == 2,
            "the database's gauges");
        // The platform's own: requests (recorded as each request ends, so a scrape may come first), SignalR connections, the
        // runtime, Npgsql.
        var platform = Metrics.Parse(await ScrapeAsync());
        Assert.Contains(platform.Names, n => n == "http_server_request_duration_seconds_bucket");
        Assert.Contains(platform.Names, n => n.StartsWith("signalr_server_", StringComparison.Ordinal));
        Assert.Contains(platform.Names, n => n.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(platform.Names, n => n.StartsWith("db_client_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WebhookAttemptsAreCountedByResult()
    {
        var merchant = await relay.NewMerchantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await merchant.Http.PostJson("/api/v1/webhook-endpoints",
            new { url = receiver.BaseUrl + "/hook", events = new[] { "pairing.changed" } }).Expect(201);
        await using var terminal = await relay.NewTerminalAsync(merchant);
        var before = Metrics.Parse(await ScrapeAsync()).Value("""relay_webhook_deliveries_total{result="delivered"}""");

        await merchant.PairAsync(terminal, "till-1", "Till 1");
        await Scenario.Eventually(() => Task.FromResult(receiver.At("/hook").Count > 0), "the delivery");
        await Scenario.Eventually(async () =>
                Metrics.Parse(await ScrapeAsync()).Value("""relay_webhook_deliveries_total{result="delivered"}""") == before + 1,
            "the delivery counted");
    }

    [Fact]
    public async Task APosRequestsTraceTravelsToTheTerminalAndBackToTheHub()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s =>
                s.Name is "Relay.Terminal" or "Microsoft.AspNetCore.SignalR.Client" or "Microsoft.AspNetCore.SignalR.Server",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var merchant = await relay.NewMerchantAsync();
        await using var terminal = await relay.NewTerminalAsync(merchant);
        await merchant.PairAsync(terminal, "till-1", "Till 1");
        var trace = ActivityTraceId.CreateRandom();

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transactions")
        {
            Content = JsonContent.Create(new { registerId = "till-1", type = "purchase", amount = 1250, currency = "NZD" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.Add("Prefer", "wait=30");
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        var payment = await merchant.Http.SendAsync(request).Expect(201);
        Assert.Equal("approved", payment.Str("status"));

        // Kept with the transaction, in the POS's trace (the relay's request span as parent).
        await using var db = new NpgsqlConnection(relay.ConnectionString);
        await db.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT traceparent FROM transactions WHERE id = $1", db)
        {
            Parameters = { new NpgsqlParameter { Value = Guid.Parse(payment.Str("id")) } },
        };
        var stored = (string)(await read.ExecuteScalarAsync())!;
        Assert.Matches($"^00-{trace}-[0-9a-f]{{16}}-0[01]$", stored);

        // The SDK's calls about it are spans of that trace, and the hub's spans continue them.
        await Scenario.Eventually(() => Task.FromResult(spans.Any(s => s.Source.Name == "Microsoft.AspNetCore.SignalR.Server"
                && s.TraceId == trace && s.DisplayName.Contains("CompleteTransaction", StringComparison.Ordinal))),
            "the hub's CompleteTransaction span in the POS's trace");
        // Its log lines carry the trace, the terminal's calls' too (the hub's spans continue them even when nothing records
        // them: TraceContinuation).
        var lines = relay.Recorded.Events.Where(e => e.Message.Contains(payment.Str("id"), StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, e => e.Message.Contains(" created ", StringComparison.Ordinal) && e.TraceId == trace.ToString());
        Assert.Contains(lines, e => e.Message.EndsWith(" delivered", StringComparison.Ordinal) && e.TraceId == trace.ToString());
        Assert.Contains(lines, e => e.Message.Contains("(response 00)", StringComparison.Ordinal) && e.TraceId == trace.ToString());
        var terminalSpans = spans.Where(s => s.Source.Name == "Relay.Terminal" && s.TraceId == trace).Select(s => s.OperationName).ToList();
        Assert.Contains("TransactionReceived", terminalSpans);
        Assert.Contains("TransactionStarted", terminalSpans);
        Assert.Contains("CompleteTransaction", terminalSpans);
    }

    private async Task<string> ScrapeAsync()
    {
        var response = await relay.Admin().GetAsync("/metrics");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Prometheus's text format, parsed: every sample line is <c>name{labels} value [timestamp]</c>.</summary>
    private sealed partial class Metrics(Dictionary<string, double> samples)
    {
        public override string ToString() =>
            string.Join("\n", samples.Where(s => s.Key.StartsWith("relay_", StringComparison.Ordinal)).Select(s => $"{s.Key} {s.Value}"));

        public IEnumerable<string> Names => samples.Keys.Select(k => k.Split('{')[0]).Distinct();

        public IEnumerable<KeyValuePair<string, double>> Series(string name) =>
            samples.Where(s => s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal));

        /// <summary>The sample whose name and labels are these (labels in any order; scope labels ignored), 0 when absent.</summary>
        public double Value(string series)
        {
            var wanted = Labels(series);
            return samples.Where(s => s.Key.Split('{')[0] == series.Split('{')[0])
                .Where(s => wanted.All(l => Labels(s.Key).Contains(l))
                    && Labels(s.Key).Count(l => !l.StartsWith("otel_", StringComparison.Ordinal)) == wanted.Count)
                .Sum(s => s.Value);
        }

        private static List<string> Labels(string series) =>
            series.Contains('{') ? LabelPattern().Matches(series[series.IndexOf('{')..]).Select(m => m.Value).ToList() : [];

        public static Metrics Parse(string text)
        {
            var samples = new Dictionary<string, double>();
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var match = SamplePattern().Match(line);
                Assert.True(match.Success, $"Not a Prometheus sample line: {line}");
                var value = match.Groups["value"].Value switch
                {
                    "+Inf" => double.PositiveInfinity,
                    "-Inf" => double.NegativeInfinity,
                    "NaN" => double.NaN,
                    var v => double.Parse(v, CultureInfo.InvariantCulture),
                };
                samples[match.Groups["series"].Value] = value;
            }

            Assert.NotEmpty(samples);
            return new Metrics(samples);
        }

        [GeneratedRegex("""
            ^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})?)\ (?<value>\S+)(\ -?\d+)?$
            """, RegexOptions.IgnorePatternWhitespace)]
        private static partial Regex SamplePattern();

        [GeneratedRegex(""""[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"""")]
        private static partial Regex LabelPattern();
    }
}

[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;
