using System.Globalization;
using Relay.Faults;

// The fault-injection suite: real processes (PostgreSQL, two relay instances, simulator terminals behind load
// balancers), a fault at each point of a payment's life, and for each scenario a row: payments, lost, doubled, wrong.
// Exit code 0 only when every row is all zeros. The last line is "faults: N passed, N failed" (one per scenario).
var rounds = Arg("--rounds", 5);
var terminals = Arg("--terminals", 4);
var delayMs = Arg("--delay-ms", 600); // the simulated customer at the card and at the PIN: the windows the faults strike in
var only = ArgText("--only");
var logs = ArgText("--logs") ?? Directory.CreateTempSubdirectory("relay-faults-logs-").FullName;
Directory.CreateDirectory(logs);

Console.WriteLine($"Fault suite: {terminals} terminals, {rounds} rounds per scenario, card and PIN {delayMs} ms each; logs in {logs}");
var rows = new List<Row>();
var failedToRun = false;
try
{
    Console.WriteLine();
    Console.WriteLine($"{"scenario",-64} {"payments",8} {"lost",5} {"doubled",8} {"wrong",6} {"missed",7} {"seconds",8}");
    // One PostgreSQL for most scenarios; failover on a topology of its own, a primary with a synchronous standby.
    foreach (var (scenarios, replicated) in new[] { (Scenario.All, false), (Scenario.Replicated, true) })
    {
        var chosen = scenarios.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
        if (chosen.Count == 0) continue;
        await using var topology = await Topology.StartAsync(terminals, delayMs, logs, replicated);
        var runner = new ScenarioRunner(topology, rounds, delayMs, Console.WriteLine);
        foreach (var scenario in chosen)
        {
            var row = await runner.RunAsync(scenario);
            rows.Add(row);
            Console.WriteLine($"{row.Scenario,-64} {row.Payments,8} {row.Lost,5} {row.Doubled,8} {row.Wrong,6} {row.Missed,7} " +
                $"{row.Took.TotalSeconds,8:F1}");
        }
    }
}
catch (Exception e)
{
    Console.WriteLine($"The fault suite could not run: {e}");
    failedToRun = true;
}

var passed = rows.Count(r => r.Passed);
var failed = rows.Count - passed + (failedToRun ? 1 : 0);
Console.WriteLine();
Console.WriteLine($"faults: {passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;

int Arg(string name, int fallback) => ArgText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? ArgText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
