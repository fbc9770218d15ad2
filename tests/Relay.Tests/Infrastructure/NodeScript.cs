using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// A script of tests/interop run by node that prints one JSON line per step (<c>{"step":"connected",...}</c>) and reads
/// lines on stdin: the JavaScript clients nobody here wrote (<see cref="NodeTerminal"/>, <see cref="AdyenPos"/>).
/// </summary>
public class NodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly Channel<JsonNode> _steps = Channel.CreateUnbounded<JsonNode>();
    private readonly List<JsonNode> _waiting = []; // lines read while looking for another step, kept for their own Next
    private readonly StringBuilder _transcript = new();

    /// <param name="name">What the script is, for failure messages ("the JavaScript terminal").</param>
    /// <param name="script">Its file in tests/interop.</param>
    /// <param name="package">A package of tests/interop/node_modules it needs (its folder), checked before starting.</param>
    /// <param name="arguments">Its command-line arguments.</param>
    /// <param name="environment">Environment variables added to this process's.</param>
    protected NodeScript(string name, string script, string package, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        _name = name;
        Assert.True(File.Exists(Path.Combine(InteropDirectory, "node_modules", package, "package.json")),
            $"{name} needs {package} in {InteropDirectory}/node_modules: " +
            "run `npm ci --prefix tests/interop` (scripts/test.sh does it before the tests).");

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine("tests", "interop", script));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => OnStdout(e.Data);
        _process.ErrorDataReceived += (_, e) => Record("stderr", e.Data);
        try
        {
            _process.Start();
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"Could not start node ({e.Message}): {name} needs node (18 or later) on PATH.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string InteropDirectory => Path.Combine(RepositoryRoot, "tests", "interop");

    /// <summary>Everything node printed so far (stdout and stderr), for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_transcript) return _transcript.ToString();
        }
    }

    /// <summary>
    /// The next line with this step; lines with other steps wait for their own call. Fails on an "error" step, on exit, or
    /// after the timeout.
    /// </summary>
    public async Task<JsonNode> Next(string step, int seconds = Scenario.Patience)
    {
        var earlier = _waiting.FirstOrDefault(line => (string?)line["step"] == step);
        if (earlier is not null)
        {
            _waiting.Remove(earlier);
            return earlier;
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            while (true)
            {
                var line = await _steps.Reader.ReadAsync(cts.Token);
                var name = (string?)line["step"];
                if (name == step) return line;
                Assert.False(name == "error", $"{_name} reported an error while waiting for '{step}':\n{Transcript}");
                _waiting.Add(line);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{_name} printed no '{step}' step within {seconds} s:\n{Transcript}");
            throw;
        }
        catch (ChannelClosedException)
        {
            Assert.Fail($"{_name} exited before a '{step}' step:\n{Transcript}");
            throw;
        }
    }

    /// <summary>Writes a line on its stdin.</summary>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes its stdin, which makes it stop and exit, as an app being shut down.</summary>
    public async Task StopAsync(int seconds = 10)
    {
        _process.StandardInput.Close();
        var exitCode = await ExitCodeAsync(seconds);
        Assert.True(exitCode == 0, $"{_name} exited with {exitCode}:\n{Transcript}");
    }

    /// <summary>Waits for it to exit by itself and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(int seconds = Scenario.Patience)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{_name} did not exit within {seconds} s:\n{Transcript}");
        }

        return _process.ExitCode;
    }

    private void OnStdout(string? line)
    {
        if (line is null)
        {
            _steps.Writer.TryComplete();
            return;
        }

        Record("stdout", line);
        JsonNode? node = null;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (System.Text.Json.JsonException)
        {
            // not a step line: kept in the transcript only
        }

        if (node is JsonObject) _steps.Writer.TryWrite(node);
    }

    private void Record(string stream, string? line)
    {
        if (line is null) return;
        lock (_transcript) _transcript.Append(stream).Append(": ").AppendLine(line);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relay.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"No Relay.sln above {AppContext.BaseDirectory}: cannot find the repository root.");
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        finally
        {
            _process.Dispose();
        }
    }
}
