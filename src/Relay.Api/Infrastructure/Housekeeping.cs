using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Relay.Api.Data;

namespace Relay.Api.Infrastructure;

/// <summary>A feature's clean-up of rows it keeps only for a while: deletes what is older than its retention, given now.</summary>
public sealed record HousekeepingJob(string What, Func<RelayDbContext, RelayOptions, DateTimeOffset, CancellationToken, Task<int>> Run);

/// <summary>
/// Runs the housekeeping jobs the features declare (<see cref="HousekeepingSetup.AddHousekeeping"/>) once a minute of the relay's clock,
/// each in a statement of its own; a failed one is tried again at the next run.
/// </summary>
public sealed class Housekeeping(
    IEnumerable<HousekeepingJob> jobs, IServiceScopeFactory scopes, TimeProvider clock, IOptions<RelayOptions> options,
    ILogger<Housekeeping> logger) : PeriodicWork(clock, logger)
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private long _lastRunTicks;

    /// <summary>When the last run finished, by the relay's clock.</summary>
    public DateTimeOffset LastRunAt => new(Interlocked.Read(ref _lastRunTicks), TimeSpan.Zero);

    // Runs at the sweep interval, cleans up when a minute of the relay's clock has passed: a clock moved forward counts.
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override string What => "Housekeeping";

    protected override async Task RunAsync(CancellationToken ct)
    {
        var now = Clock.Now();
        if (now < _next)
        {
            return;
        }

        _next = now + Every;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
        foreach (var job in jobs)
        {
            try
            {
                var removed = await job.Run(db, options.Value, now, ct);
                logger.Log(removed > 0 ? LogLevel.Information : LogLevel.Debug, "Housekeeping removed {Count} {What}", removed, job.What);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Housekeeping of {What} failed ({Error}); trying again at the next run", job.What, e.Message);
            }
        }

        Interlocked.Exchange(ref _lastRunTicks, now.UtcTicks);
    }
}

public static class HousekeepingSetup
{
    /// <summary>Declares a clean-up job (<paramref name="what"/> names the rows, for the log); the first one starts the runner.</summary>
    public static IServiceCollection AddHousekeeping(
        this IServiceCollection services, string what, Func<RelayDbContext, RelayOptions, DateTimeOffset, CancellationToken, Task<int>> run)
    {
        services.AddSingleton(new HousekeepingJob(what, run));
        services.TryAddSingleton<Housekeeping>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Housekeeping>(s => s.GetRequiredService<Housekeeping>()));
        return services;
    }
}
