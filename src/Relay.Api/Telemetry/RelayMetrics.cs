using System.Diagnostics.Metrics;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.Telemetry;

/// <summary>
/// The relay's own series (meter <c>Relay</c>, see <see cref="MetricsOptions.Meter"/>), named as the contract names them at
/// <c>GET /metrics</c>. Each instance counts what it did itself (the statement it ran, the connection it holds, the
/// delivery it sent), so summing over instances counts everything once; a restart starts the counters at zero, which
/// Prometheus's <c>rate()</c> expects.
/// </summary>
public sealed class RelayMetrics
{
    /// <summary>Milliseconds to minutes: a payment's loop is a few milliseconds, a customer at the card prompt a minute or two.</summary>
    private static readonly double[] Seconds =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Counter<long> _transactions;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _delivery;
    private readonly Counter<long> _connects;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Counter<long> _actions;

    public RelayMetrics(IMeterFactory meters, string meterName, TerminalConnections connections, DatabaseGauges gauges)
    {
        var meter = meters.Create(meterName);
        _transactions = meter.CreateCounter<long>("relay_transactions",
            description: "Transactions that reached a status, by type, status and origin (pos: asked for by a POS; terminal: made "
                         + "and reported by the terminal).");
        _duration = meter.CreateHistogram("relay_transaction_duration", "s", "From created to final.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
        _delivery = meter.CreateHistogram("relay_transaction_delivery", "s", "From created to acknowledged by the terminal.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
        _connects = meter.CreateCounter<long>("relay_terminal_connects", description: "Terminal connections opened to this instance.");
        _webhookDeliveries = meter.CreateCounter<long>("relay_webhook_deliveries",
            description: "Webhook delivery attempts by result: delivered, retrying, failed (given up or disabled), dropped.");
        _actions = meter.CreateCounter<long>("relay_terminal_actions",
            description: "Terminal actions that reached a status on this instance, by type and status.");
        meter.CreateObservableGauge("relay_terminals_connected", () => connections.Count,
            description: "Terminals holding a live connection to this instance.");
        // Nothing while unknown (before the first reading, or when the last one failed): a stale value would look healthy.
        meter.CreateObservableGauge("relay_webhook_backlog", () => Known(gauges.WebhookBacklog),
            description: "Webhook deliveries waiting to be sent, across the cluster (every instance reports the same: use max).");
        meter.CreateObservableGauge("relay_events_numbering_lag", () => Known(gauges.NumberingLagSeconds), "s",
            "Age of the oldest committed event not yet numbered (0 when none), across the cluster (use max).");
    }

    /// <summary>A statement of this instance moved the transaction to its status.</summary>
    public void Changed(Transaction t)
    {
        var type = new KeyValuePair<string, object?>("type", WireEnum<TransactionType>.Name(t.Type));
        var status = new KeyValuePair<string, object?>("status", WireEnum<TransactionStatus>.Name(t.Status));
        _transactions.Add(1, type, status, new("origin", WireEnum<TransactionOrigin>.Name(t.Origin)));
        if (t.Origin == TransactionOrigin.Terminal) return; // reported once done: no delivery, no duration the relay saw
        // This transition set delivered_at (a delivery, or a result that arrived before its receipt).
        if (t.DeliveredAt is { } delivered && delivered == t.UpdatedAt)
        {
            _delivery.Record((delivered - t.CreatedAt).TotalSeconds, type);
        }

        if (Transaction.IsFinal(t.Status))
        {
            _duration.Record((t.UpdatedAt - t.CreatedAt).TotalSeconds, type, status);
        }
    }

    /// <summary>A statement of this instance moved the terminal action to its status.</summary>
    public void ActionChanged(Actions.TerminalAction a) => _actions.Add(1,
        new("type", WireEnum<Actions.ActionType>.Name(a.Type)), new("status", WireEnum<Actions.ActionStatus>.Name(a.Status)));

    public void Connected() => _connects.Add(1);

    private static IEnumerable<Measurement<T>> Known<T>(T? value) where T : struct =>
        value is { } known ? [new Measurement<T>(known)] : [];

    /// <summary>An attempt of this instance ended so: <c>delivered</c>, <c>retrying</c>, <c>failed</c> or <c>dropped</c>.</summary>
    public void WebhookAttempt(string result) => _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("result", result));
}
