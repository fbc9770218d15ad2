using System.Diagnostics;

namespace Relay.Bench;

/// <summary>A private PostgreSQL cluster with its durable defaults (fsync, synchronous_commit, full_page_writes on).</summary>
public sealed class Postgres : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-bench-pg-").FullName;

    public int Port { get; private set; }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=relay;Database={database}";

    public async Task StartAsync()
    {
        // RELAY_BENCH_PG_SETTINGS adds settings while experimenting, e.g. "commit_delay=100". pg_stat_statements is always
        // loaded: the report lists what the statements of a throughput step cost.
        var extra = Environment.GetEnvironmentVariable("RELAY_BENCH_PG_SETTINGS") ?? "";
        var output = await Repo.BashAsync($"pg_start '{_dir}' {56000 + Random.Shared.Next(900)} max_connections=400 shared_buffers=256MB " +
            "shared_preload_libraries=pg_stat_statements " +
            $"{extra} && echo \"port=$PG_PORT\"");
        Port = int.Parse(output.Split('\n').Single(l => l.StartsWith("port=", StringComparison.Ordinal))[5..]);
    }

    /// <summary>
    /// CPU time of the whole server so far: the postmaster, its live processes (backends, WAL writer, checkpointer…), and
    /// the processes it has reaped (cutime and cstime).
    /// </summary>
    public TimeSpan CpuTime()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(_dir, "data", "postmaster.pid")).First());
        var ticks = 0L;
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            try
            {
                var fields = ProcessSample.StatFields(stat);
                var pid = int.Parse(Path.GetFileName(Path.GetDirectoryName(stat)!));
                if (pid == postmaster) ticks += fields[11..15].Sum(long.Parse); // utime, stime, cutime, cstime
                else if (int.Parse(fields[1]) == postmaster) ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                // not a process, or one that has just exited
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Repo.BashAsync($"pg_stop '{_dir}'");
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}

/// <summary>A server under test (the relay or the floor) as its own process on a loopback port.</summary>
public sealed class ServerProcess(string name, string dll, int port, Dictionary<string, string> environment, string logFile)
    : IAsyncDisposable
{
    private Process? _process;

    public string Name => name;
    public Uri Url { get; } = new($"http://127.0.0.1:{port}");
    public int Pid => _process!.Id;

    public async Task StartAsync()
    {
        // Output straight to the log file, as a service manager would take it: a pipe read by this busy harness would
        // make the server's logging wait for it.
        var info = new ProcessStartInfo("bash", ["-c", "exec dotnet \"$0\" >>\"$1\" 2>&1", dll, logFile])
        {
            WorkingDirectory = Repo.Root,
            Environment = { ["ASPNETCORE_URLS"] = Url.ToString().TrimEnd('/'), ["ASPNETCORE_ENVIRONMENT"] = "Production" },
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        _process = Process.Start(info)!;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{name} exited ({_process.ExitCode}); see {logFile}");
            try
            {
                if ((await http.GetAsync(new Uri(Url, "/health/ready"))).IsSuccessStatusCode) return;
            }
            catch (Exception)
            {
                // not up yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{name} was not ready within 90 s; see {logFile}");
    }

    public ProcessSample Sample() => ProcessSample.Of(Pid);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>CPU time and resident memory of a process, read from /proc.</summary>
public readonly record struct ProcessSample(TimeSpan Cpu, long RssBytes, long When)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static ProcessSample Of(int pid)
    {
        var fields = StatFields($"/proc/{pid}/stat");
        var ticks = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14 and 15 of stat)
        var rssKb = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return new(TimeSpan.FromSeconds(ticks / TicksPerSecond), long.Parse(rssKb) * 1024, Stopwatch.GetTimestamp());
    }

    /// <summary>A /proc/PID/stat's fields after the command name: [0] is the state (field 3 of stat), [1] the parent's pid.</summary>
    public static string[] StatFields(string path)
    {
        var stat = File.ReadAllText(path);
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>CPU used between two samples, as a percentage of one core.</summary>
    public static double CpuPercent(ProcessSample from, ProcessSample to) =>
        100 * (to.Cpu - from.Cpu).TotalSeconds / Stopwatch.GetElapsedTime(from.When, to.When).TotalSeconds;
}
