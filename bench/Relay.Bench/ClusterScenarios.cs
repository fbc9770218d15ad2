namespace Relay.Bench;

/// <summary>The throughput steps on one layout of relay instances: every terminal and every POS call spread over them.</summary>
public sealed record ClusterRun(int Instances, List<LoopResult> Steps, double? KneeRate, double? SustainedRate);

/// <summary>What it costs to run several relay instances on one PostgreSQL (issue 17).</summary>
public sealed class ClusterResults
{
    /// <summary>CPU of an instance with no terminal and no request while the others are idle, % of one core.</summary>
    public double IdleInstanceQuietCpuPercent { get; set; }

    /// <summary>The same instance's CPU while the others carry <see cref="IdleInstanceBusyRate"/> payments a second.</summary>
    public double IdleInstanceBusyCpuPercent { get; set; }

    public double IdleInstanceBusyRate { get; set; }
    public LoopResult? BusyLoop { get; set; }

    /// <summary>Approved answers of the warm-ups on each layout (for the durability check).</summary>
    public int WarmUpApproved { get; set; }
    public List<ClusterRun> Runs { get; } = [];
}

/// <summary>
/// After the other scenarios, on the relay only: the CPU of an idle instance while the others work (hints reach only
/// the instances that need them), then the same throughput steps on 2 and on 4 instances, with all the terminals spread
/// over them and the POS calling each in turn (cost per instance flat in the number of instances).
/// </summary>
public static class ClusterScenarios
{
    public static async Task<ClusterResults> RunAsync(
        RelayTarget relay, ServerProcess b, Fleet fleet, IReadOnlyList<BenchTerminal> paired, Settings settings, Progress progress)
    {
        var results = new ClusterResults();
        var c = await relay.StartInstanceAsync("relay-c");
        await Task.Delay(TimeSpan.FromSeconds(settings.Quick ? 2 : 10)); // its start-up work done
        var quiet = c.Sample();
        await Task.Delay(settings.IdleTime);
        results.IdleInstanceQuietCpuPercent = ProcessSample.CpuPercent(quiet, c.Sample());

        results.IdleInstanceBusyRate = settings.Quick ? 200 : 400;
        var busy = c.Sample();
        results.BusyLoop = await new PosLoad(relay.Server.Url, relay.ApiKey).RunAsync(
            $"idle instance c while a and b carry {results.IdleInstanceBusyRate}/s", paired, results.IdleInstanceBusyRate,
            settings.LoopTime, relay.Server, progress, b);
        results.IdleInstanceBusyCpuPercent = ProcessSample.CpuPercent(busy, c.Sample());
        Console.WriteLine($"  idle instance c: {results.IdleInstanceQuietCpuPercent:F1}% of a core while a and b are idle, " +
            $"{results.IdleInstanceBusyCpuPercent:F1}% while they carry {results.BusyLoop.AchievedRate:F0}/s");

        var d = await relay.StartInstanceAsync("relay-d");
        List<ServerProcess> all = [relay.Server, b, c, d];
        foreach (var count in new[] { 2, 4 })
        {
            var instances = all.Take(count).ToList();
            await fleet.CloseAsync(fleet.Terminals);
            for (var i = 0; i < count; i++)
            {
                var share = fleet.Terminals.Where((_, n) => n % count == i).ToList();
                await fleet.ConnectAsync(share, instances[i].Url, 100, progress, $"{share.Count} terminals to {instances[i].Name}");
            }

            var pos = new PosLoad([.. instances.Select(s => s.Url)], relay.ApiKey);
            results.WarmUpApproved += (await pos.RunAsync($"warm-up on {count} instances", paired, 100,
                TimeSpan.FromSeconds(settings.Quick ? 2 : 5), relay.Server, progress)).Approved;
            var stepped = await Scenarios.StepUpAsync(settings.Rates, $"{count} instances", async rate =>
            {
                var before = instances.Select(s => s.Sample()).ToList();
                var step = await Scenarios.WithDatabaseCpuAsync(relay, () => pos.RunAsync(
                    $"{count} instances at {rate}/s", paired, rate, settings.StepTime, relay.Server, progress));
                return step with
                {
                    AllInstancesCpuPercent = instances.Select((s, n) => ProcessSample.CpuPercent(before[n], s.Sample())).Sum(),
                };
            });
            results.Runs.Add(new ClusterRun(count, stepped.Steps, stepped.KneeRate, stepped.SustainedRate));
        }

        return results;
    }
}
