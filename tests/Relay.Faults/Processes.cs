using System.Diagnostics;

namespace Relay.Faults;

/// <summary>A private PostgreSQL cluster in a temp folder, on a fixed loopback port so it can be restarted in place.</summary>
public sealed class Postgres(int port) : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-faults-pg-").FullName;

    public int Port => port;

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={port};Username=relay;Database={database}";

    public Task StartAsync() => Repo.BashAsync($"pg_start '{_dir}' {port} && [ \"$PG_PORT\" = {port} ]");

    public async Task RestartAsync()
    {
        await Repo.BashAsync($"pg_stop '{_dir}'");
        await StartAsync();
    }

    /// <summary>
    /// Makes this cluster (started or not, its data discarded) a streaming standby of <paramref name="primary"/> with
    /// <c>pg_basebackup -R</c>, starts it on its port, and makes the primary's commits wait for it
    /// (<c>synchronous_standby_names</c>): what a managed PostgreSQL with zero data loss on failover does.
    /// </summary>
    public async Task BecomeStandbyOfAsync(Postgres primary)
    {
        await Repo.BashAsync($"""
            pg_find_bindir && rm -rf '{_dir}/data' && mkdir -p '{_dir}' || exit 1
            if [ "$(id -u)" = 0 ]; then chown -R postgres: '{_dir}' || exit 1; fi
            _pg_run pg_basebackup -h 127.0.0.1 -p {primary.Port} -U relay -D '{_dir}/data' -R -X stream --checkpoint=fast
            """);
        await StartAsync();
        await Repo.BashAsync($"""
            PG_PORT={primary.Port} pg_psql -d postgres -c "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "SELECT pg_reload_conf()"
            for _ in $(seq 100); do
              synchronous=$(PG_PORT={primary.Port} pg_psql -d postgres -Atc \
                "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")
              [ "$synchronous" = 1 ] && exit 0
              sleep 0.1
            done
            echo "the standby on port {port} did not become synchronous" >&2; exit 1
            """);
    }

    /// <summary>Dies as at a power cut: an immediate stop, no checkpoint, connections cut.</summary>
    public Task KillAsync() => Repo.BashAsync($"pg_find_bindir && _pg_run pg_ctl -D '{_dir}/data' -m immediate -w stop >/dev/null");

    /// <summary>A standby takes over as the primary.</summary>
    public Task PromoteAsync() => Repo.BashAsync($"pg_find_bindir && _pg_run pg_ctl -D '{_dir}/data' -w promote >/dev/null");

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

/// <summary>One relay instance (Relay.Api) as a real process on a loopback port; killed with SIGKILL, restarted on the same port.</summary>
public sealed class RelayProcess(string name, int port, string connectionString, string adminKey, string logDirectory) : IAsyncDisposable
{
    private Process? _process;

    public string Name => name;
    public int Port => port;
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet", [Repo.Dll("src/Relay.Api")])
        {
            WorkingDirectory = Repo.Root, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Relay"] = connectionString,
                ["Relay__AdminApiKey"] = adminKey,
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Relay__Cluster__HeartbeatInterval"] = "00:00:00.500",
                ["Relay__Cluster__DeadAfter"] = "00:00:03",
                ["Relay__Cluster__ResendAfter"] = "00:00:02",
                ["Relay__RateLimits__ActivationsPerMinute"] = "100000",
                ["Relay__RateLimits__PairingsPerMinute"] = "100000",
                ["Serilog__MinimumLevel"] = "Warning",
            },
        };
        _process = Process.Start(info)!;
        var log = File.AppendText(Path.Combine(logDirectory, $"relay-{name}.log"));
        log.AutoFlush = true;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"relay {name} exited ({_process.ExitCode}); see relay-{name}.log");
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/health/ready")).IsSuccessStatusCode) return;
            }
            catch (Exception)
            {
                // not up yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"relay {name} was not ready within 60 s");
    }

    /// <summary>SIGKILL: no shutdown, no goodbye; its sockets die with it.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
    }

    /// <summary>SIGSTOP: the process stops answering but keeps its sockets open, as a hung server.</summary>
    public void Freeze()
    {
        if (Pid is { } pid) Signals.Freeze(pid);
    }

    public void Resume()
    {
        if (Pid is { } pid) Signals.Resume(pid);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}
