namespace Relay.Bench;

/// <summary>Every figure measured on one target (relay or floor).</summary>
public sealed class TargetResults(string name)
{
    public string Name => name;
    public string? Error { get; set; }
    public bool Complete => Error is null;
    public double ConnectSeconds { get; set; }
    public long RssBeforeBytes { get; set; }
    public long RssConnectedBytes { get; set; }
    public double KiBPerConnection { get; set; }
    public double IdleCpuPercent { get; set; }
    public double StormSeconds { get; set; }
    public LoopResult? Loop100 { get; set; }
    public List<LoopResult> Steps { get; } = [];
    /// <summary>The highest step with p99 ≤ 50 ms, every step below it passing too.</summary>
    public double? KneeRate { get; set; }

    /// <summary>The highest step with every payment approved and sent on time, whatever its latency.</summary>
    public double? SustainedRate { get; set; }
    public LoopResult? Loop200 { get; set; }
    public bool Loop200CrossInstance { get; set; }
    public long ApprovedAnswers { get; set; }
    public long? ApprovedInDatabase { get; set; }
    public int TerminalErrors { get; set; }
    public ClusterResults? Cluster { get; set; }

    /// <summary>What the database's statements cost in the 400/s step (or the last step below it).</summary>
    public List<StatementCost> Statements { get; set; } = [];
    public double? StatementsRate { get; set; }
}

/// <summary>Throughput steps: each step's result, the knee and the highest rate sustained (null: none).</summary>
public sealed record Stepped(List<LoopResult> Steps, double? KneeRate, double? SustainedRate);

/// <summary>The scenarios of issue 5, in order, on one target.</summary>
public static class Scenarios
{
    public const double KneeP99Ms = 50;

    public static async Task<TargetResults> RunAsync(Target target, Settings settings, string logDirectory, Progress progress)
    {
        var results = new TargetResults(target.Name);
        Console.WriteLine($"== {target.Name}");
        await using var _ = target;
        Fleet? fleet = null;
        try
        {
            await target.StartAsync(logDirectory);
            var terminals = await target.CreateTerminalsAsync(settings.Terminals, progress);
            fleet = new Fleet(terminals);

            // Idle connections: memory per connected terminal; CPU while they only keep alive, measured after some
            // payments so that it is not the JIT's warm-up.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var before = target.Server.Sample();
            results.ConnectSeconds = (await fleet.ConnectAsync(terminals, target.Server.Url, 100, progress,
                $"connecting {terminals.Count} terminals")).TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(settings.Quick ? 2 : 5));
            var connected = target.Server.Sample();
            results.RssBeforeBytes = before.RssBytes;
            results.RssConnectedBytes = connected.RssBytes;
            results.KiBPerConnection = (connected.RssBytes - before.RssBytes) / 1024.0 / terminals.Count;

            var paired = terminals.Take(settings.Paired).ToList();
            await target.PairAsync(paired, progress);
            var pos = new PosLoad(target.Server.Url, target.ApiKey);
            var warmUp = await pos.RunAsync("warm-up", paired, 100, TimeSpan.FromSeconds(settings.Quick ? 2 : 5), target.Server, progress);
            results.ApprovedAnswers += warmUp.Approved;
            await Task.Delay(TimeSpan.FromSeconds(settings.Quick ? 2 : 5));
            var quiet = target.Server.Sample();
            await Task.Delay(settings.IdleTime);
            results.IdleCpuPercent = ProcessSample.CpuPercent(quiet, target.Server.Sample());
            Console.WriteLine($"  idle: {terminals.Count} connected in {results.ConnectSeconds:F1} s; " +
                $"{results.KiBPerConnection:F1} KiB per connection; idle CPU {results.IdleCpuPercent:F1}% of a core");

            // Reconnect storm: every connection dropped at once, every terminal straight back.
            fleet.AbortAll(terminals);
            results.StormSeconds = (await fleet.ConnectAsync(terminals, target.Server.Url, terminals.Count, progress,
                "reconnect storm")).TotalSeconds;
            Console.WriteLine($"  reconnect storm: {terminals.Count} back in {results.StormSeconds:F1} s");
            await Task.Delay(TimeSpan.FromSeconds(settings.Quick ? 2 : 5)); // the dropped connections' aftermath

            // Payments: POS calls at fixed rates to the registers paired above.
            var countersBefore = await target.DatabaseCountersAsync();
            var loop = await WithDatabaseCpuAsync(target,
                () => pos.RunAsync("full loop at 100/s", paired, 100, settings.LoopTime, target.Server, progress));
            var countersAfter = await target.DatabaseCountersAsync();
            results.Loop100 = countersBefore is { } b && countersAfter is { } a
                ? loop with
                {
                    CommitsPerPayment = (double)(a.Transactions - b.Transactions) / loop.Sent,
                    WalFlushesPerPayment = (double)(a.WalFlushes - b.WalFlushes) / loop.Sent,
                    WalBytesPerPayment = (double)(a.WalBytes - b.WalBytes) / loop.Sent,
                    HotUpdatePercent = a.Updates > b.Updates ? 100.0 * (a.HotUpdates - b.HotUpdates) / (a.Updates - b.Updates) : null,
                }
                : loop;
            results.ApprovedAnswers += loop.Approved;
            Print("full loop at 100/s", results.Loop100);

            var stepped = await StepUpAsync(settings.Rates, "throughput", async rate =>
            {
                if (rate <= 400) await target.ResetStatementsAsync();
                var step = await WithDatabaseCpuAsync(target,
                    () => pos.RunAsync($"throughput at {rate}/s", paired, rate, settings.StepTime, target.Server, progress));
                if (rate <= 400 && step.Sent > 0)
                {
                    results.Statements = await target.StatementsAsync(step.Sent);
                    results.StatementsRate = rate;
                }

                return step;
            });
            results.Steps.AddRange(stepped.Steps);
            results.ApprovedAnswers += stepped.Steps.Sum(s => s.Approved);
            (results.KneeRate, results.SustainedRate) = (stepped.KneeRate, stepped.SustainedRate);

            // Cross-instance: the POS on one relay instance, the terminals on another (the floor has one instance: same loop).
            ServerProcess? second = null;
            if (target is RelayTarget relay)
            {
                second = await relay.StartInstanceAsync("relay-b");
                await fleet.CloseAsync(paired);
                await fleet.ConnectAsync(paired, second.Url, 100, progress, "moving the paired terminals to instance b");
                results.Loop200CrossInstance = true;
                // Instance b has just started: its code is still being compiled (tiered JIT). A running instance is warm.
                var warmUpB = await pos.RunAsync("warm-up across instances", paired, settings.Quick ? 100 : 200,
                    TimeSpan.FromSeconds(settings.Quick ? 2 : 15), target.Server, progress, second);
                results.ApprovedAnswers += warmUpB.Approved;
            }

            results.Loop200 = await pos.RunAsync("loop at 200/s" + (results.Loop200CrossInstance ? " across instances" : ""),
                paired, 200, settings.LoopTime, target.Server, progress, second);
            results.ApprovedAnswers += results.Loop200.Approved;
            Print(results.Loop200CrossInstance ? "cross-instance at 200/s" : "loop at 200/s", results.Loop200);

            if (target is RelayTarget cluster)
            {
                results.Cluster = await ClusterScenarios.RunAsync(cluster, second!, fleet, paired, settings, progress);
                results.ApprovedAnswers += results.Cluster.BusyLoop!.Approved + results.Cluster.WarmUpApproved
                    + results.Cluster.Runs.SelectMany(r => r.Steps).Sum(s => s.Approved);
            }

            results.ApprovedInDatabase = await target.ApprovedInDatabaseAsync();
            results.TerminalErrors = fleet.Errors;
        }
        catch (Exception e)
        {
            progress.End();
            results.Error = e.Message;
            Console.WriteLine($"  {target.Name} failed: {e}");
        }
        finally
        {
            if (fleet is not null) await fleet.DisposeAsync();
        }

        return results;
    }

    /// <summary>
    /// Runs <paramref name="step"/> at each rate in turn. Sustained: every payment approved and sent on time; the knee also
    /// needs p99 ≤ 50 ms, at every step up to it. Stepping goes on past the knee while the rate is sustained, so the table
    /// shows where the latency goes.
    /// </summary>
    public static async Task<Stepped> StepUpAsync(double[] rates, string label, Func<double, Task<LoopResult>> step)
    {
        var steps = new List<LoopResult>();
        double? knee = null, sustainedRate = null;
        foreach (var rate in rates)
        {
            var result = await step(rate);
            steps.Add(result);
            Print($"{label} at {rate}/s", result);
            var sustained = result.Failed == 0 && result.NoFreeTerminal == 0 && result.AchievedRate >= 0.95 * rate;
            if (!sustained || result.Latency.P99 > 20 * KneeP99Ms) break;
            sustainedRate = rate;
            if (result.Latency.P99 <= KneeP99Ms && knee == (steps.Count > 1 ? steps[^2].TargetRate : null)) knee = rate;
        }

        return new Stepped(steps, knee, sustainedRate);
    }

    /// <summary>The run, with PostgreSQL's CPU per payment when there is a database.</summary>
    public static async Task<LoopResult> WithDatabaseCpuAsync(Target target, Func<Task<LoopResult>> run)
    {
        var before = target.DatabaseCpu();
        var result = await run();
        return before is { } b && target.DatabaseCpu() is { } a && result.Sent > 0
            ? result with { DatabaseCpuMsPerPayment = (a - b).TotalMilliseconds / result.Sent }
            : result;
    }

    public static void Print(string label, LoopResult r) =>
        Console.WriteLine($"  {label}: {r.Sent} payments at {r.AchievedRate:F0}/s, {r.Approved} approved, {r.Failed} failed, " +
                          $"{r.NoFreeTerminal} no free terminal; " +
                          $"p50 {r.Latency.P50:F2} ms, p90 {r.Latency.P90:F2}, p99 {r.Latency.P99:F2}, " +
                          $"max {r.Latency.Max:F1}; CPU {r.CpuPercent:F0}%" +
                          (r.OtherInstanceCpuPercent is { } b ? $" (instance b: {b:F0}%)" : "") +
                          (r.AllInstancesCpuPercent is { } all ? $" (all instances: {all:F0}%)" : "") +
                          (r.DatabaseCpuMsPerPayment is { } db ? $"; PostgreSQL {db:F2} ms CPU per payment" : "") +
                          (r.CommitsPerPayment is { } c
                              ? $"; per payment {c:F1} database transactions, {r.WalFlushesPerPayment:F1} WAL flushes, " +
                                $"{r.WalBytesPerPayment:F0} WAL bytes; {r.HotUpdatePercent:F0}% of transaction updates HOT"
                              : "") +
                          (r.Phases is { } p ? $"; medians: {p}" : ""));
}
