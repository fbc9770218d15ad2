using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Relay.Tests.Infrastructure;

/// <summary>Every log event of a relay, as a provider beside its own (Serilog), for tests of what an operator would read.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    /// <summary>Each event, with the trace it was logged in (the id, or null outside any).</summary>
    public ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception, string? TraceId)> Events { get; }
        = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                owner.Events.Enqueue((category, logLevel, formatter(state, exception), exception, Activity.Current?.TraceId.ToString()));
        }
    }
}
