using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Relay.Faults;

/// <summary>
/// A terminal: the simulator CLI as a real process with its own state folder (credentials and result outbox), so it
/// can be killed with SIGKILL and started again over the same outbox. Its output tells what the card reader did.
/// </summary>
public sealed partial class SimulatorProcess(string name, string logDirectory) : IAsyncDisposable
{
    private readonly string stateDirectory = Directory.CreateTempSubdirectory("relay-faults-terminal-").FullName;
    private readonly List<string> lines = [];
    private Process? process;
    private StreamWriter? log;

    public string Name => name;

    public string TerminalId { get; private set; } = "";

    public async Task ActivateAsync(string relayUrl, string activationCode)
    {
        var info = new ProcessStartInfo("dotnet", [Repo.Dll("src/Relay.Terminal.Simulator"), "activate", "--relay", relayUrl, "--code", activationCode,
            "--serial", "SIM-" + name, "--state", stateDirectory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var activate = Process.Start(info)!;
        var output = await activate.StandardOutput.ReadToEndAsync() + await activate.StandardError.ReadToEndAsync();
        await activate.WaitForExitAsync();
        if (activate.ExitCode != 0) throw new InvalidOperationException($"activation of {name} failed: {output}");
        TerminalId = TerminalIdLine().Match(File.ReadAllText(Path.Combine(stateDirectory, "terminal.json"))).Groups[1].Value;
    }

    public void Start(int delayMs)
    {
        var info = new ProcessStartInfo("dotnet", [Repo.Dll("src/Relay.Terminal.Simulator"), "run", "--state", stateDirectory, "--delay-ms", delayMs.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        log ??= File.AppendText(Path.Combine(logDirectory, $"terminal-{name}.log"));
        log.AutoFlush = true;
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public async Task<string> PairingCodeAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            lock (lines)
            {
                var code = lines.Select(l => PairingCodeLine().Match(l)).LastOrDefault(m => m.Success);
                if (code is not null) return code.Groups[1].Value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"terminal {name} showed no pairing code");
    }

    /// <summary>How many times the card reader reached an outcome for the transaction: more than one is a double charge.</summary>
    public int Outcomes(string transactionId)
    {
        var tag = transactionId[^8..];
        lock (lines)
        {
            return lines.Count(l => l.Contains($"] {tag} outcome "));
        }
    }

    /// <summary>A result saved in the outbox and not yet acknowledged by the relay.</summary>
    public bool HasUnacknowledgedResult =>
        Directory.Exists(Path.Combine(stateDirectory, "outbox")) && Directory.EnumerateFiles(Path.Combine(stateDirectory, "outbox"), "*.json").Any();

    /// <summary>SIGKILL: the terminal app dies mid-transaction; its outbox stays on disk.</summary>
    public void Kill()
    {
        if (process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Record($"--- killed {name} ---");
        }
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (lines) lines.Add(line);
        lock (log!) log.WriteLine(line);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        log?.Dispose();
        Directory.Delete(stateDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"PAIRING CODE:\s+(\d+)")]
    private static partial Regex PairingCodeLine();

    [GeneratedRegex("\"terminalId\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex TerminalIdLine();
}
