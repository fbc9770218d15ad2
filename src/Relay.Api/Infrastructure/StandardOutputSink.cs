using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Relay.Api.Infrastructure;

/// <summary>
/// Log lines to standard output, formatted and written by a thread of its own: a caller only queues its event, and the
/// writer writes whatever has queued in one go, at most every 20 ms (one write for a burst, not one or more per line).
/// When 10,000 lines wait (standard output blocked), callers wait too: no line is dropped. What is queued is written
/// when the process exits, also on an unhandled exception.
/// </summary>
/// <remarks>
/// Serilog's console sink writes and flushes each line through <c>Console.Out</c>; even behind Serilog.Sinks.Async it
/// costs the relay measurably more (bench/results/README.md).
/// </remarks>
public sealed class StandardOutputSink : ILogEventSink, IDisposable
{
    private static readonly TimeSpan FinalWrite = TimeSpan.FromSeconds(5);

    // After each write the writer lets the next burst gather: at most 50 wake-ups and writes a second however busy the
    // relay is. Each wake-up of a blocked waiter spins a little first, which woken once per line adds up.
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);

    private readonly Channel<LogEvent> _queue = Channel.CreateBounded<LogEvent>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ITextFormatter _formatter;
    private readonly Stream _output;
    private readonly Thread _writer;

    /// <param name="formatter">How each event becomes text.</param>
    /// <param name="output">Where the text goes: standard output unless given (tests).</param>
    public StandardOutputSink(ITextFormatter formatter, Stream? output = null)
    {
        _formatter = formatter;
        _output = output ?? Console.OpenStandardOutput();
        _writer = new Thread(Write) { IsBackground = true, Name = "Log writer" };
        _writer.Start();
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        AppDomain.CurrentDomain.UnhandledException += OnExit;
    }

    public void Emit(LogEvent logEvent)
    {
        if (_queue.Writer.TryWrite(logEvent))
        {
            return;
        }

        try
        {
            _queue.Writer.WriteAsync(logEvent).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            // Logged after the logger was disposed, at shutdown: nowhere to write it.
        }
    }

    private void Write()
    {
        var text = new StreamWriter(_output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            try
            {
                while (_queue.Reader.TryRead(out var logEvent))
                {
                    _formatter.Format(logEvent, text);
                }

                text.Flush();
            }
            catch (Exception e)
            {
                SelfLog.WriteLine("Writing log lines to standard output failed: {0}", e);
            }

            Thread.Sleep(Gather);
        }

        try
        {
            text.Dispose();
        }
        catch (Exception e)
        {
            SelfLog.WriteLine("Writing log lines to standard output failed: {0}", e);
        }
    }

    private void OnExit(object? sender, EventArgs e) => Dispose();

    /// <summary>Writes what is queued (for up to 5 s) and stops.</summary>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        AppDomain.CurrentDomain.UnhandledException -= OnExit;
        _queue.Writer.TryComplete();
        _writer.Join(FinalWrite);
    }
}
