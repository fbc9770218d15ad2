using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Relay.Bench;

/// <summary>The results side by side, as a markdown table (ratios to the floor, targets) and as JSON.</summary>
public sealed class Report(Settings settings, Machine machine, TargetResults relay, TargetResults floor, DateTimeOffset finished)
{
    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine($"# Relay benchmark ({settings.Mode}), {finished:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine($"Machine: {machine}. Harness and servers on the same machine; " +
            "PostgreSQL with durable commits (fsync, synchronous_commit on).");
        md.AppendLine($"{settings.Terminals:N0} terminals connected, {settings.Paired} paired with registers; " +
            $"loops of {settings.LoopTime.TotalSeconds:F0} s, throughput steps of {settings.StepTime.TotalSeconds:F0} s.");
        if (settings.Quick) md.AppendLine("Quick mode: checks that the harness works; its figures are not comparable with the targets.");
        foreach (var failed in new[] { relay, floor }.Where(r => !r.Complete))
            md.AppendLine($"\n**{failed.Name} did not finish: {failed.Error}**");
        md.AppendLine();
        md.AppendLine("| scenario | figure | relay | floor | relay ÷ floor | target | |");
        md.AppendLine("|---|---|---:|---:|---:|---|---|");
        Row(md, $"{settings.Terminals:N0} idle terminals", "memory per connection (RSS growth)",
            relay.KiBPerConnection, floor.KiBPerConnection, "KiB", "≤ 32 KiB", v => v <= 32);
        Row(md, "", "idle CPU (% of one core)", relay.IdleCpuPercent, floor.IdleCpuPercent, "%", "≤ 5%", v => v <= 5);
        Row(md, "", "time to connect all (100 at a time)", relay.ConnectSeconds, floor.ConnectSeconds, "s", "", null);
        Row(md, "reconnect storm", "all back (connected and answering)",
            relay.StormSeconds, floor.StormSeconds, "s", "≤ 10 s", v => v <= 10);
        LoopRows(md, "full loop at 100/s", relay.Loop100, floor.Loop100, p50Target: null, p99Target: 15);
        var p50Ratio = (relay.Loop100?.Latency.P50 ?? double.NaN) / (floor.Loop100?.Latency.P50 ?? double.NaN);
        md.AppendLine($"| | p50 ÷ the floor's p50 | {F(p50Ratio, "×")} | | | ≤ 2.5× | " +
            $"{(double.IsFinite(p50Ratio) ? p50Ratio <= 2.5 ? "met" : "**missed**" : "")} |");
        Row(md, "", "PostgreSQL CPU per payment", relay.Loop100?.DatabaseCpuMsPerPayment ?? double.NaN, double.NaN, "ms", "", null);
        Row(md, "", "database transactions per payment", relay.Loop100?.CommitsPerPayment ?? double.NaN, double.NaN, "", "", null);
        Row(md, "", "WAL flushes per payment", relay.Loop100?.WalFlushesPerPayment ?? double.NaN, double.NaN, "", "", null);
        Row(md, "", "WAL bytes per payment", relay.Loop100?.WalBytesPerPayment ?? double.NaN, double.NaN, "B", "", null);
        Row(md, "", "transaction row updates that were HOT", relay.Loop100?.HotUpdatePercent ?? double.NaN, double.NaN, "%", "", null);
        PhaseRows(md, relay.Loop100?.Phases, floor.Loop100?.Phases);
        Row(md, "sustained throughput", "knee: highest rate with p99 ≤ 50 ms",
            relay.KneeRate ?? double.NaN, floor.KneeRate ?? double.NaN, "/s", "≥ 800/s", v => v >= 800);
        if (relay.KneeRate is null || floor.KneeRate is null)
        {
            md.AppendLine($"| | (– : p99 over 50 ms already at {settings.Rates[0]}/s) | | | | | " +
                $"{(relay.KneeRate is null ? "**missed**" : "")} |");
        }

        Row(md, "", "highest rate sustained (all approved, on time)",
            relay.SustainedRate ?? double.NaN, floor.SustainedRate ?? double.NaN, "/s", "", null);
        var relayKnee = relay.Steps.LastOrDefault(s => s.TargetRate == relay.KneeRate);
        var floorKnee = floor.Steps.LastOrDefault(s => s.TargetRate == floor.KneeRate);
        Row(md, "", "p99 at the knee", relayKnee?.Latency.P99 ?? double.NaN, floorKnee?.Latency.P99 ?? double.NaN, "ms", "", null);
        Row(md, "", "PostgreSQL CPU per payment at 400/s",
            relay.Steps.FirstOrDefault(s => s.TargetRate == 400)?.DatabaseCpuMsPerPayment ?? double.NaN, double.NaN, "ms", "≤ 1 ms",
            v => v <= 1);
        LoopRows(md, relay.Loop200CrossInstance ? "cross-instance loop at 200/s (floor: one instance)" : "loop at 200/s",
            relay.Loop200, floor.Loop200, p50Target: null, p99Target: 20);
        if (relay.Loop200?.OtherInstanceCpuPercent is { } b) md.AppendLine($"| | CPU of the terminals' instance (b) | {b:F0}% | | | | |");
        if (relay.Cluster is { } cluster)
        {
            var noise = 1.0; // percentage points of a core: what an idle instance's CPU varies by between quiet windows here
            md.AppendLine($"| idle instance (no terminal, no request) | CPU while the others are idle | " +
                $"{F(cluster.IdleInstanceQuietCpuPercent, "%")} | | | | |");
            md.AppendLine($"| | CPU while the others carry {cluster.IdleInstanceBusyRate:F0}/s " +
                $"({cluster.BusyLoop?.AchievedRate:F0}/s achieved, p99 {F(cluster.BusyLoop?.Latency.P99, "ms")}) " +
                $"| {F(cluster.IdleInstanceBusyCpuPercent, "%")} | | | ≤ idle + {noise:F0} point | " +
                $"{(cluster.IdleInstanceBusyCpuPercent <= cluster.IdleInstanceQuietCpuPercent + noise ? "met" : "**missed**")} |");
            foreach (var run in cluster.Runs)
            {
                var knee = run.Steps.LastOrDefault(s => s.TargetRate == run.KneeRate);
                var two = cluster.Runs.FirstOrDefault(r => r.Instances == 2);
                var verdict = run.Instances == 2 || two?.KneeRate is not { } kneeOnTwo ? "" : run.KneeRate >= kneeOnTwo ? "met" : "**missed**";
                md.AppendLine($"| {run.Instances} instances, {settings.Terminals:N0} terminals spread over them | knee " +
                    $"(sustained) | {F(run.KneeRate, "/s")} ({F(run.SustainedRate, "/s")}) | | | " +
                    $"{(run.Instances == 2 ? "" : "≥ the knee on 2")} | {verdict} |");
                md.AppendLine($"| | at the knee: p99, CPU of all instances, PostgreSQL CPU per payment | {F(knee?.Latency.P99, "ms")}, " +
                    $"{F(knee?.AllInstancesCpuPercent, "%")}, {F(knee?.DatabaseCpuMsPerPayment, "ms")} | | | | |");
            }
        }

        md.AppendLine("| durability | approved answers / approved in the database " +
            $"| {relay.ApprovedAnswers:N0} / {relay.ApprovedInDatabase:N0} | {floor.ApprovedAnswers:N0} / – | | none lost " +
            $"| {(relay.ApprovedInDatabase >= relay.ApprovedAnswers ? "met" : "**missed**")} |");
        md.AppendLine();
        md.AppendLine("Throughput steps (each a fixed rate; the knee is the last step with no failure, " +
            "every payment sent on time and p99 ≤ 50 ms):");
        md.AppendLine();
        md.AppendLine("| rate | relay achieved | relay p50 | relay p99 | relay max | relay CPU | PostgreSQL CPU per payment " +
            "| floor p50 | floor p99 | floor CPU |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var rate in relay.Steps.Concat(floor.Steps).Select(s => s.TargetRate).Distinct().Order())
        {
            var r = relay.Steps.FirstOrDefault(s => s.TargetRate == rate);
            var f = floor.Steps.FirstOrDefault(s => s.TargetRate == rate);
            md.AppendLine($"| {rate:F0}/s | {F(r?.AchievedRate, "/s")} | {F(r?.Latency.P50, " ms")} | {F(r?.Latency.P99, " ms")} " +
                $"| {F(r?.Latency.Max, " ms")} | {F(r?.CpuPercent, "%")} | {F(r?.DatabaseCpuMsPerPayment, " ms")} " +
                $"| {F(f?.Latency.P50, " ms")} | {F(f?.Latency.P99, " ms")} | {F(f?.CpuPercent, "%")} |");
        }

        foreach (var run in relay.Cluster?.Runs ?? [])
        {
            md.AppendLine();
            md.AppendLine($"On {run.Instances} relay instances (terminals and POS calls spread over them):");
            md.AppendLine();
            md.AppendLine("| rate | achieved | p50 | p99 | max | CPU of all instances | PostgreSQL CPU per payment |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in run.Steps)
            {
                md.AppendLine($"| {r.TargetRate:F0}/s | {F(r.AchievedRate, "/s")} | {F(r.Latency.P50, " ms")} " +
                    $"| {F(r.Latency.P99, " ms")} " +
                    $"| {F(r.Latency.Max, " ms")} | {F(r.AllInstancesCpuPercent, "%")} | {F(r.DatabaseCpuMsPerPayment, " ms")} |");
            }
        }

        if (relay.Statements.Count > 0)
        {
            md.AppendLine();
            md.AppendLine($"The costliest statements of the relay's database in the {relay.StatementsRate:F0}/s step " +
                "(pg_stat_statements, top level: a function counts with what it runs), per payment:");
            md.AppendLine();
            md.AppendLine("| statement | calls | execution time | mean | WAL |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var s in relay.Statements)
            {
                md.AppendLine($"| `{s.Query.Replace("|", "\\|")}` | {s.CallsPerPayment:F2} | {s.MsPerPayment:F3} ms | {s.MeanMs:F3} ms " +
                    $"| {s.WalBytesPerPayment:F0} B |");
            }
        }

        md.AppendLine();
        md.AppendLine("CPU is the server process's user + system time over the step's wall time (100% = one core of two). " +
            "Latency: POST with `Prefer: wait` sent → terminal acknowledges, starts, approves → the whole answer read by the POS.");
        return md.ToString();
    }

    public List<string> Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var md = Path.Combine(directory, settings.Mode + ".md");
        var json = Path.Combine(directory, settings.Mode + ".json");
        File.WriteAllText(md, Markdown());
        File.WriteAllText(json,
            JsonSerializer.Serialize(new { settings.Mode, finished, machine, settings, relay, floor }, BenchJson.Indented));
        return [md, json];
    }

    private static void LoopRows(StringBuilder md, string scenario, LoopResult? relay, LoopResult? floor,
        double? p50Target, double? p99Target)
    {
        Row(md, scenario, "p50", relay?.Latency.P50 ?? double.NaN, floor?.Latency.P50 ?? double.NaN, "ms",
            p50Target is { } t50 ? $"≤ {t50} ms" : "", p50Target is { } a ? v => v <= a : null);
        Row(md, "", "p90", relay?.Latency.P90 ?? double.NaN, floor?.Latency.P90 ?? double.NaN, "ms", "", null);
        Row(md, "", "p99", relay?.Latency.P99 ?? double.NaN, floor?.Latency.P99 ?? double.NaN, "ms",
            p99Target is { } t99 ? $"≤ {t99} ms" : "", p99Target is { } b ? v => v <= b : null);
        Row(md, "", "max", relay?.Latency.Max ?? double.NaN, floor?.Latency.Max ?? double.NaN, "ms", "", null);
        Row(md, "", "server CPU (% of one core)", relay?.CpuPercent ?? double.NaN, floor?.CpuPercent ?? double.NaN, "%", "", null);
        md.AppendLine($"| | payments: approved / failed | {relay?.Approved} / {relay?.Failed} " +
            $"| {floor?.Approved} / {floor?.Failed} | | | |");
    }

    private static void PhaseRows(StringBuilder md, Phases? relay, Phases? floor)
    {
        Row(md, "", "median step: POST → push at the terminal", relay?.Push ?? double.NaN, floor?.Push ?? double.NaN, "ms", "", null);
        Row(md, "", "median step: push → receipt acknowledged",
            relay?.Received ?? double.NaN, floor?.Received ?? double.NaN, "ms", "", null);
        Row(md, "", "median step: → start acknowledged", relay?.Started ?? double.NaN, floor?.Started ?? double.NaN, "ms", "", null);
        Row(md, "", "median step: result sent → answer read", relay?.Answer ?? double.NaN, floor?.Answer ?? double.NaN, "ms", "", null);
    }

    private static void Row(StringBuilder md, string scenario, string figure, double relay, double floor, string unit, string target,
        Func<double, bool>? met, string note = "")
    {
        var ratio = double.IsFinite(relay) && double.IsFinite(floor) && floor > 0 ? $"{relay / floor:F1}×" : "";
        var verdict = met is null || !double.IsFinite(relay) ? "" : met(relay) ? "met" : "**missed**";
        md.AppendLine($"| {scenario} | {figure} | {F(relay, unit)} | {F(floor, unit)}{note} | {ratio} | {target} | {verdict} |");
    }

    private static string F(double? value, string unit) => value is not { } v || !double.IsFinite(v) ? "–"
        : (unit is "/s" ? v.ToString("F0", CultureInfo.InvariantCulture) : v.ToString(v >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture))
            + (unit.Length > 0 && unit[0] is '/' or '%' ? unit : unit.Length > 0 ? " " + unit.Trim() : "");
}
