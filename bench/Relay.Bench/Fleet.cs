using System.Diagnostics;

namespace Relay.Bench;

/// <summary>Many terminals at once: connecting them, keeping them alive with pings, dropping them all.</summary>
public sealed class Fleet(IReadOnlyList<BenchTerminal> terminals) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _pinging = Task.CompletedTask;

    public IReadOnlyList<BenchTerminal> Terminals => terminals;

    /// <summary>
    /// Connects every terminal, at most <paramref name="parallel"/> at a time, each retried after a second when refused
    /// (as a real terminal would), until each has made a round trip through the hub. Returns the time it took.
    /// </summary>
    public async Task<TimeSpan> ConnectAsync(IReadOnlyList<BenchTerminal> which, Uri url, int parallel, Progress progress, string label)
    {
        var ready = 0;
        var retries = 0;
        var started = Stopwatch.GetTimestamp();
        progress.Begin(label, () => $"{ready}/{which.Count} connected, {retries} retries");
        await Parallel.ForEachAsync(which, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (terminal, _) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await terminal.ConnectAsync(url, timeout.Token);
                    await terminal.ReadyAsync();
                    Interlocked.Increment(ref ready);
                    return;
                }
                catch (Exception) when (attempt < 30)
                {
                    Interlocked.Increment(ref retries);
                    if (terminal.Connection is { } failed) await failed.DisposeAsync();
                    await Task.Delay(1000);
                }
            }
        });
        progress.End();
        StartPinging();
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Drops every connection without a goodbye, as a network outage between the terminals and the relay does.</summary>
    public void AbortAll(IEnumerable<BenchTerminal> which)
    {
        foreach (var terminal in which) terminal.Connection?.Abort();
    }

    public async Task CloseAsync(IEnumerable<BenchTerminal> which)
    {
        foreach (var terminal in which)
        {
            if (terminal.Connection is { } connection) await connection.DisposeAsync();
        }
    }

    public int Errors => terminals.Sum(t => t.Errors);

    /// <summary>
    /// SignalR's client keep-alive: a ping every 15 s, so the server (30 s client timeout) keeps idle terminals; spread
    /// over the interval (a slice every 100 ms), as independent devices would send them, not in one burst.
    /// </summary>
    private void StartPinging()
    {
        if (!_pinging.IsCompleted) return;
        _pinging = Task.Run(async () =>
        {
            const int slices = 150; // 15 s in 100 ms ticks
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            for (var tick = 0;
                await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result);
                tick++)
            {
                for (var i = tick % slices; i < terminals.Count; i += slices)
                {
                    try
                    {
                        if (terminals[i].Connection is { } connection) await connection.PingAsync();
                    }
                    catch (Exception)
                    {
                        // a dropped terminal; the scenario notices
                    }
                }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pinging;
        AbortAll(terminals);
    }
}
