namespace Relay.Api.Telemetry;

/// <summary>The <c>Relay:Metrics</c> configuration section.</summary>
public sealed class MetricsOptions
{
    /// <summary>Serve <c>GET /metrics</c> without the admin key (for a Prometheus on a private network).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// The name of the relay's meter (the series' <c>otel_scope_name</c>; their own names never change). Several relays in
    /// one process, as in the tests, each need their own: a meter provider takes every meter of its name in the process.
    /// </summary>
    public string Meter { get; set; } = "Relay";
}
