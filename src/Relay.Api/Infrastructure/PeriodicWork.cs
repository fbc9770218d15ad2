namespace Relay.Api.Infrastructure;

/// <summary>
/// Background work run at a fixed interval (timed by the relay's clock); a run that fails is logged, as one Warning
/// line, and the work is done again at the next tick.
/// </summary>
public abstract class PeriodicWork(TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The relay's clock, for the work's own use.</summary>
    protected TimeProvider Clock => clock;

    protected abstract TimeSpan Interval { get; }

    /// <summary>What the log calls the work when a run fails ("Heartbeat", say).</summary>
    protected abstract string What { get; }

    protected abstract Task RunAsync(CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("{What} failed ({Error}); retrying at the next tick", What, e.Message);
            }
        }
    }
}
