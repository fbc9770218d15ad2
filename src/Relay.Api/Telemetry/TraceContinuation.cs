using System.Diagnostics;

namespace Relay.Api.Telemetry;

/// <summary>
/// Without a tracer (no OTLP endpoint), the hub's calls still continue the trace a terminal sends with them, recording
/// nothing: the log lines of a terminal's call about a transaction carry the trace id of the POS request that created
/// it. Calls that bring no trace get no span.
/// </summary>
public sealed class TraceContinuation : IHostedService, IDisposable
{
    private ActivityListener? _listener;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore.SignalR.Server",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent != default ? ActivitySamplingResult.PropagationData : ActivitySamplingResult.None,
        };
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _listener?.Dispose();
        _listener = null;
    }
}
