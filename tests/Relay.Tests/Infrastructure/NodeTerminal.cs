using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// tests/interop/terminal.mjs run by node: a terminal written with the official SignalR JavaScript client. It prints one
/// JSON line per step ({"step":"connected"}, {"step":"pairing-code","code":"..."}, ...) which <see cref="Next"/> follows.
/// </summary>
public sealed class NodeTerminal : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonNode> _steps = Channel.CreateUnbounded<JsonNode>();
    private readonly StringBuilder _transcript = new();

    private NodeTerminal(Process process) => _process = process;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string InteropDirectory => Path.Combine(RepositoryRoot, "tests", "interop");

    /// <summary>Starts the terminal. <paramref name="connect"/>: direct (skipNegotiation), negotiate, or query (?access_token=).</summary>
    public static NodeTerminal Start(string relayUrl, string deviceToken, string connect = "direct")
    {
        var client = Path.Combine(InteropDirectory, "node_modules", "@microsoft", "signalr", "package.json");
        Assert.True(File.Exists(client),
            $"The interop test needs the SignalR JavaScript client in {InteropDirectory}/node_modules: " +
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
        foreach (var arg in new[] { "tests/interop/terminal.mjs", "--relay", relayUrl, "--token", deviceToken, "--connect", connect })
        {
            info.ArgumentList.Add(arg);
        }

        var _process = new Process { StartInfo = info };
        var terminal = new NodeTerminal(_process);
        _process.OutputDataReceived += (_, e) => terminal.OnStdout(e.Data);
        _process.ErrorDataReceived += (_, e) => terminal.Record("stderr", e.Data);
        try
        {
            _process.Start();
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"Could not start node ({e.Message}): the interop test needs node (18 or later) on PATH.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return terminal;
    }

    /// <summary>Everything node printed so far (stdout and stderr), for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_transcript) return _transcript.ToString();
        }
    }

    /// <summary>The next line with this step, skipping others; fails on an "error" step, on exit, or after the timeout.</summary>
    public async Task<JsonNode> Next(string step, int seconds = 15)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            while (true)
            {
                var line = await _steps.Reader.ReadAsync(cts.Token);
                var name = (string?)line["step"];
                if (name == step) return line;
                Assert.False(name == "error", $"the JavaScript terminal reported an error while waiting for '{step}':\n{Transcript}");
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the JavaScript terminal printed no '{step}' step within {seconds} s:\n{Transcript}");
            throw;
        }
        catch (ChannelClosedException)
        {
            Assert.Fail($"the JavaScript terminal exited before a '{step}' step:\n{Transcript}");
            throw;
        }
    }

    /// <summary>Tells it to do something by itself (a line on its stdin: <c>sale REF AMOUNT</c>, <c>settle BATCH</c>).</summary>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes its stdin, which makes it stop its connection and exit, as a terminal app being shut down.</summary>
    public async Task StopAsync(int seconds = 10)
    {
        _process.StandardInput.Close();
        var exitCode = await ExitCodeAsync(seconds);
        Assert.True(exitCode == 0, $"the JavaScript terminal exited with {exitCode}:\n{Transcript}");
    }

    /// <summary>Waits for it to exit by itself and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(int seconds = 10)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the JavaScript terminal did not exit within {seconds} s:\n{Transcript}");
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
