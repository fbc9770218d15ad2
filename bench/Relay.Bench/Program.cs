using Relay.Bench;

// The load harness: the relay and the floor (a bare relay with no database), measured one after the other in one run
// by the same simulated terminals and POS. Results: bench/results/<mode>.md and .json. See README, "Benchmarks".
var settings = Settings.Parse(args);
if (settings is null)
{
    Console.WriteLine("""
        usage: bench [--quick] [--terminals N] [--paired N] [--out DIR]
          --quick        a small run (under 2 minutes) that checks the harness works; its figures are not the targets'
          --terminals N  terminals connected in the idle and reconnect scenarios (default 10000; quick 500)
          --paired N     terminals paired with registers for the payment scenarios (default 500; quick 100)
          --out DIR      where to write <mode>.md and <mode>.json (default bench/results)
          --only NAME    measure only the relay or only the floor (while working on one of them)
          --rates R,R    the throughput steps, payments per second (default 50,100,200,400,…,3000; quick 200,400)
        """);
    return 2;
}

// The harness holds 10,000 sockets on the machine it measures: no blocking full collections of its own in the figures.
System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
var logDirectory = Directory.CreateTempSubdirectory("relay-bench-logs-").FullName;
Console.WriteLine($"bench ({settings.Mode}): {settings.Terminals} terminals, {settings.Paired} paired; server logs in {logDirectory}");
var machine = await Machine.DescribeAsync();
Console.WriteLine($"machine: {machine}");

var progress = new Progress();
var floor = settings.Only is null or "floor"
    ? await Scenarios.RunAsync(new FloorTarget(), settings, logDirectory, progress)
    : new TargetResults("floor");
var relay = settings.Only is null or "relay"
    ? await Scenarios.RunAsync(new RelayTarget(), settings, logDirectory, progress)
    : new TargetResults("relay");

var report = new Report(settings, machine, relay, floor, DateTimeOffset.UtcNow);
Console.WriteLine();
Console.WriteLine(report.Markdown());
var written = report.Write(settings.OutputDirectory);
Console.WriteLine($"written: {string.Join(", ", written)}");
if (Environment.GetEnvironmentVariable("RELAY_BENCH_KEEP_LOGS") is null) Directory.Delete(logDirectory, recursive: true);
// The exit code says whether the harness worked and nothing was lost, never whether a target was met.
var lost = relay.ApprovedInDatabase is { } kept && kept < relay.ApprovedAnswers;
if (lost) Console.WriteLine($"LOST: {relay.ApprovedAnswers} approved answers but {relay.ApprovedInDatabase} approved in the database");
return (settings.Only is null or "relay" ? relay.Complete : true) && (settings.Only is null or "floor" ? floor.Complete : true)
    && !lost ? 0 : 1;

/// <summary>The run's size: full (the targets') or quick (CI's check that the harness works).</summary>
public sealed record Settings(
    string Mode, int Terminals, int Paired, TimeSpan LoopTime, TimeSpan StepTime, double[] Rates, TimeSpan IdleTime, string OutputDirectory,
    string? Only = null)
{
    public bool Quick => Mode == "quick";

    public static Settings? Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var settings = quick
            ? new Settings("quick", 500, 100, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3), [200, 400], TimeSpan.FromSeconds(3),
                Path.Combine(Repo.Root, "bench", "results"))
            : new Settings("full", 10_000, 500, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10),
                [50, 100, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 2000, 2400, 3000], TimeSpan.FromSeconds(10),
                Path.Combine(Repo.Root, "bench", "results"));
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": break;
                case "--terminals" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    settings = settings with { Terminals = n }; i++; break;
                case "--paired" when i + 1 < args.Length && int.TryParse(args[i + 1], out var p) && p > 0:
                    settings = settings with { Paired = p }; i++; break;
                case "--only" when i + 1 < args.Length && args[i + 1] is "relay" or "floor":
                    settings = settings with { Only = args[i + 1] }; i++; break;
                case "--rates" when i + 1 < args.Length && ParseRates(args[i + 1]) is { } rates:
                    settings = settings with { Rates = rates }; i++; break;
                case "--out" when i + 1 < args.Length:
                    settings = settings with { OutputDirectory = Path.GetFullPath(args[i + 1]) }; i++; break;
                default: return null;
            }
        }

        return settings with { Paired = Math.Min(settings.Paired, settings.Terminals) };
    }

    private static double[]? ParseRates(string list)
    {
        var rates = list.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => double.TryParse(r, System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate : -1)
            .ToArray();
        return rates.Length > 0 && rates.All(r => r > 0) ? rates : null;
    }
}
