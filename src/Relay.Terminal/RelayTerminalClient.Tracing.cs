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

    /// <summary>
    /// Continues a transaction's trace even when the app records no spans: its calls then still carry the trace to the
    /// relay (whose log lines about them show it), at the cost of an unrecorded span per call. An app's own tracer
    /// provider that records these sources gets full spans as usual.
    /// </summary>
    private static readonly ActivityListener Continuation = new()
    {
        ShouldListenTo = source => source.Name is ActivitySourceName or "Microsoft.AspNetCore.SignalR.Client",
        Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
            options.Parent != default ? ActivitySamplingResult.PropagationData : ActivitySamplingResult.None,
    };

    static RelayTerminalClient() => ActivitySource.AddActivityListener(Continuation);

    private readonly ConcurrentDictionary<string, ActivityContext> _traces = new(StringComparer.Ordinal);

    private void RememberTrace(TerminalTransaction transaction)
    {
        if (ActivityContext.TryParse(transaction.Traceparent, null, out var context))
        {
            _traces[transaction.Id] = context;
        }
    }

    /// <summary>A span for a call about the transaction, in the transaction's trace; null when it has none.</summary>
    private Activity? Span(string call, string transactionId) =>
        _traces.TryGetValue(transactionId, out var parent)
            ? Tracing.StartActivity(call, ActivityKind.Client, parent)?.SetTag("relay.transaction_id", transactionId)
            : null;

    private void ForgetTrace(string transactionId) => _traces.TryRemove(transactionId, out _);
}
