using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Relay.Bench;

/// <summary>Latency percentiles of one run, in milliseconds.</summary>
public sealed record Latency(double P50, double P90, double P99, double Max)
{
    public static Latency Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) return new(double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = samples.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new(At(0.50), At(0.90), At(0.99), sorted[^1]);
    }
}

/// <summary>What a fixed-rate run of payments came to.</summary>
public sealed record LoopResult(
    double TargetRate, double AchievedRate, int Sent, int Approved, int Failed, int NoFreeTerminal, Latency Latency, double CpuPercent,
    long RssBytes)
{
    /// <summary>Database transactions (pg_stat_database.xact_commit: every statement outside one counts) per payment.</summary>
    public double? CommitsPerPayment { get; init; }

    /// <summary>CPU of the second relay instance (cross-instance loop), % of one core.</summary>
    public double? OtherInstanceCpuPercent { get; init; }

    /// <summary>WAL flushes to disk (pg_stat_wal.wal_sync) per payment: the durable commits' cost.</summary>
    public double? WalFlushesPerPayment { get; init; }

    /// <summary>WAL written per payment (pg_stat_wal.wal_bytes), in bytes: what its rows and index entries cost in the log.</summary>
    public double? WalBytesPerPayment { get; init; }

    /// <summary>The share of <c>transactions</c> row updates that were HOT (in place, no index entry written), %.</summary>
    public double? HotUpdatePercent { get; init; }

    /// <summary>PostgreSQL's CPU time (every process of the server) per payment sent, in ms.</summary>
    public double? DatabaseCpuMsPerPayment { get; init; }

    /// <summary>CPU of every relay instance together (the cluster runs), % of one core.</summary>
    public double? AllInstancesCpuPercent { get; init; }
    public long? ApprovedInDatabase { get; init; }

    /// <summary>Where the time went: the median of each step of the payments whose every step was seen.</summary>
    public Phases? Phases { get; init; }
}

/// <summary>
/// Medians, in ms, of a payment's steps: POST sent → push at the terminal (the create), push → receipt acknowledged,
/// → start acknowledged, → the POS has read the answer (the result sent, stored, and the waiting request woken).
/// </summary>
public sealed record Phases(double Push, double Received, double Started, double Answer)
{
    public override string ToString() =>
        $"push {Push:F2} + received {Received:F2} + started {Started:F2} + result to answer {Answer:F2} ms";

    public static Phases? Of(IReadOnlyCollection<(double Push, double Received, double Started, double Answer)> samples) =>
        samples.Count == 0 ? null : new(Median(samples.Select(s => s.Push)), Median(samples.Select(s => s.Received)),
            Median(samples.Select(s => s.Started)), Median(samples.Select(s => s.Answer)));

    private static double Median(IEnumerable<double> values) => Latency.Of(values.ToList()).P50;
}

/// <summary>
/// The POS side: payments at a fixed rate (open loop: a slow answer does not slow the schedule), each a POST with
/// <c>Prefer: wait</c> to a register whose terminal is free, timed from sending to the whole answer read. Given several
/// relay instances, the payments go to each in turn, as behind a load balancer.
/// </summary>
public sealed class PosLoad(IReadOnlyList<Uri> baseUrls, string apiKey)
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 2000, UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { { "Authorization", "Bearer " + apiKey } },
    };

    public PosLoad(Uri baseUrl, string apiKey) : this([baseUrl], apiKey)
    {
    }

    public async Task<LoopResult> RunAsync(
        string label, IReadOnlyList<BenchTerminal> terminals, double rate, TimeSpan duration, ServerProcess server, Progress progress,
        ServerProcess? other = null)
    {
        var free = new ConcurrentQueue<BenchTerminal>(terminals);
        var latencies = new ConcurrentBag<double>();
        var phases = new ConcurrentBag<(double, double, double, double)>();
        int approved = 0, failed = 0, noTerminal = 0;
        var total = (int)Math.Round(rate * duration.TotalSeconds);
        var tasks = new List<Task>(total);
        var before = server.Sample();
        var otherBefore = other?.Sample();
        var start = Stopwatch.GetTimestamp();
        progress.Begin(label, () => $"{latencies.Count}/{total} answered, {failed} failed");
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            while (Stopwatch.GetElapsedTime(start) < due)
            {
                await Task.Delay(1);
            }

            if (!free.TryDequeue(out var terminal))
            {
                noTerminal++;
                continue;
            }

            var amount = 1000 + i % 9000;
            var url = baseUrls[i % baseUrls.Count];
            tasks.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                var (ok, ms) = await PayAsync(url, terminal.RegisterId!, amount);
                var answered = Stopwatch.GetTimestamp();
                latencies.Add(ms);
                if (ok && terminal.Steps is { } s && s.Pushed >= sent && s.Started > 0)
                {
                    phases.Add((Ms(sent, s.Pushed), Ms(s.Pushed, s.Received), Ms(s.Received, s.Started), Ms(s.Started, answered)));
                }

                if (ok) Interlocked.Increment(ref approved);
                else Interlocked.Increment(ref failed);
                free.Enqueue(terminal);
            }));
        }

        var sending = Stopwatch.GetElapsedTime(start);
        await Task.WhenAll(tasks);
        var after = server.Sample();
        var otherCpu = other is null ? (double?)null : ProcessSample.CpuPercent(otherBefore!.Value, other.Sample());
        progress.End();
        return new LoopResult(rate, tasks.Count / sending.TotalSeconds, tasks.Count, approved, failed, noTerminal,
            Latency.Of(latencies), ProcessSample.CpuPercent(before, after), after.RssBytes)
            { OtherInstanceCpuPercent = otherCpu, Phases = Phases.Of(phases) };

        static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
    }

    private async Task<(bool Ok, double Ms)> PayAsync(Uri baseUrl, string registerId, long amount)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/api/v1/transactions"))
        {
            Content = JsonContent.Create(new { registerId, type = "purchase", amount, currency = "EUR", reference = "bench" }),
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() }, { "Prefer", "wait=30" } },
        };
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var ok = (int)response.StatusCode == 201
                     && JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() == "approved";
            return (ok, ms);
        }
        catch (Exception)
        {
            return (false, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}

/// <summary>One status line while a step runs: rewritten in place on a terminal, a line every 5 s in a log.</summary>
public sealed class Progress
{
    private readonly bool _live = !Console.IsOutputRedirected;
    private CancellationTokenSource? _running;

    public void Begin(string label, Func<string> status)
    {
        End();
        var cts = _running = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        _ = Task.Run(async () =>
        {
            var interval = TimeSpan.FromSeconds(_live ? 0.5 : 5);
            while (!cts.IsCancellationRequested)
            {
                try { await Task.Delay(interval, cts.Token); } catch (OperationCanceledException) { break; }
                var line = $"  {label}: {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s, {status()}";
                if (_live) Console.Write("\r" + line.PadRight(Console.WindowWidth > 0 ? Math.Min(Console.WindowWidth - 1, 110) : 100));
                else Console.WriteLine(line);
            }
        });
    }

    public void End()
    {
        if (_running is null) return;
        _running.Cancel();
        _running = null;
        if (_live) Console.Write("\r" + new string(' ', 110) + "\r");
    }
}
