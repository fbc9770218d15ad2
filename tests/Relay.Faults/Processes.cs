using System.Diagnostics;

namespace Relay.Faults;

/// <summary>A private PostgreSQL cluster in a temp folder, on a fixed loopback port so it can be restarted in place.</summary>
public sealed class Postgres(int port) : IAsyncDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("relay-faults-pg-").FullName;

    public int Port => port;

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={port};Username=relay;Database={database}";

    public Task StartAsync() => Repo.BashAsync($"pg_start '{dir}' {port} && [ \"$PG_PORT\" = {port} ]");

    public async Task RestartAsync()
    {
        await Repo.BashAsync($"pg_stop '{dir}'");
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Repo.BashAsync($"pg_stop '{dir}'");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>One relay instance (Relay.Api) as a real process on a loopback port; killed with SIGKILL, restarted on the same port.</summary>
public sealed class RelayProcess(string name, int port, string connectionString, string adminKey, string logDirectory) : IAsyncDisposable
{
    private Process? process;

    public string Name => name;
    public int Port => port;
    public int? Pid => process is { HasExited: false } p ? p.Id : null;

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
        process = Process.Start(info)!;
        var log = File.AppendText(Path.Combine(logDirectory, $"relay-{name}.log"));
        log.AutoFlush = true;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"relay {name} exited ({process.ExitCode}); see relay-{name}.log");
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
        if (process is { HasExited: false } p)
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
