using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Relay.Faults;

/// <summary>
/// A terminal: the simulator CLI as a real process with its own state folder (credentials and result outbox), so it
/// can be killed with SIGKILL and started again over the same outbox. Its output tells what the card reader did.
/// </summary>
public sealed partial class SimulatorProcess(string name, string logDirectory) : IAsyncDisposable
{
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("relay-faults-terminal-").FullName;
    private readonly List<string> _lines = [];
    private Process? _process;
    private StreamWriter? _log;

    public string Name => name;

    public string TerminalId { get; private set; } = "";

    public async Task ActivateAsync(string relayUrl, string activationCode)
    {
        var info = new ProcessStartInfo("dotnet", [Repo.Dll("src/Relay.Terminal.Simulator"), "activate", "--relay", relayUrl,
            "--code", activationCode, "--serial", "SIM-" + name, "--state", _stateDirectory])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        using var activate = Process.Start(info)!;
        var output = await activate.StandardOutput.ReadToEndAsync() + await activate.StandardError.ReadToEndAsync();
        await activate.WaitForExitAsync();
        if (activate.ExitCode != 0) throw new InvalidOperationException($"activation of {name} failed: {output}");
        TerminalId = TerminalIdLine().Match(File.ReadAllText(Path.Combine(_stateDirectory, "terminal.json"))).Groups[1].Value;
    }

    public void Start(int delayMs)
    {
        var info = new ProcessStartInfo("dotnet",
            [Repo.Dll("src/Relay.Terminal.Simulator"), "run", "--state", _stateDirectory, "--delay-ms", delayMs.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        _log ??= File.AppendText(Path.Combine(logDirectory, $"terminal-{name}.log"));
        _log.AutoFlush = true;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public async Task<string> PairingCodeAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            lock (_lines)
            {
                var code = _lines.Select(l => PairingCodeLine().Match(l)).LastOrDefault(m => m.Success);
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
        lock (_lines)
        {
            return _lines.Count(l => l.Contains($"] {tag} outcome "));
        }
    }

    /// <summary>A result saved in the outbox and not yet acknowledged by the relay.</summary>
    public bool HasUnacknowledgedResult =>
        Directory.Exists(Path.Combine(_stateDirectory, "outbox"))
            && Directory.EnumerateFiles(Path.Combine(_stateDirectory, "outbox"), "*.json").Any();

    /// <summary>SIGKILL: the terminal app dies mid-transaction; its outbox stays on disk.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Record($"--- killed {name} ---");
        }
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        lock (_log!) _log.WriteLine(line);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _log?.Dispose();
        Directory.Delete(_stateDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"PAIRING CODE:\s+(\d+)")]
    private static partial Regex PairingCodeLine();

    [GeneratedRegex("\"terminalId\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex TerminalIdLine();
}
