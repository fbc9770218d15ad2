using System.Runtime.InteropServices;

namespace Relay.Bench;

/// <summary>What the figures were measured on.</summary>
public sealed record Machine(string Cpu, int Cores, string Memory, string Os, string Runtime, string Postgres)
{
    public static async Task<Machine> DescribeAsync()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
            ?.Split(':', 2)[1].Trim() ?? "unknown";
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        string postgres;
        try
        {
            postgres = (await Repo.BashAsync("pg_find_bindir && \"$PG_BINDIR/postgres\" --version")).Trim();
        }
        catch (Exception)
        {
            postgres = "unknown";
        }

        return new(cpu, Environment.ProcessorCount, $"{long.Parse(memKb) / 1024 / 1024.0:F1} GiB", RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, postgres);
    }

    public override string ToString() => $"{Cpu}, {Cores} cores, {Memory}; {Os}; {Runtime}; {Postgres}";
}
