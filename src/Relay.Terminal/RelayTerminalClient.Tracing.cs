using System.Collections.Concurrent;
using System.Diagnostics;

namespace Relay.Terminal;

// Tracing: the relay sends each transaction with the trace of the POS request that created it (traceparent); the client's
// calls about that transaction are spans of that trace. SignalR's client carries the current span to the relay in the
// invocation's headers, where the hub's span continues it, so one trace shows POS → relay → terminal → relay.
public sealed partial class RelayTerminalClient
{
    /// <summary>The client's spans; add it, and <c>Microsoft.AspNetCore.SignalR.Client</c>, to a tracer provider to record them.</summary>
    public const string ActivitySourceName = "Relay.Terminal";

    private static readonly ActivitySource Tracing = new(ActivitySourceName);

    private readonly ConcurrentDictionary<string, ActivityContext> _traces = new(StringComparer.Ordinal);

    private void RememberTrace(TerminalTransaction transaction)
    {
        if (ActivityContext.TryParse(transaction.Traceparent, null, out var context))
        {
            _traces[transaction.Id] = context;
        }
    }

    /// <summary>A span for a call about the transaction, in the transaction's trace; null when nobody records spans.</summary>
    private Activity? Span(string call, string transactionId)
    {
        if (!Tracing.HasListeners())
        {
            return null;
        }

        _traces.TryGetValue(transactionId, out var parent);
        return Tracing.StartActivity(call, ActivityKind.Client, parent)?.SetTag("relay.transaction_id", transactionId);
    }

    private void ForgetTrace(string transactionId) => _traces.TryRemove(transactionId, out _);
}
