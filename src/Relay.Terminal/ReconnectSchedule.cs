using Microsoft.AspNetCore.SignalR.Client;

namespace Relay.Terminal;

/// <summary>A retry policy that never gives up: a terminal with no relay cannot take payments, so it keeps trying.</summary>
internal sealed class ReconnectSchedule : IRetryPolicy
{
    private static readonly TimeSpan[] DefaultDelays =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    private readonly TimeSpan[] _delays;

    public ReconnectSchedule(TimeSpan[]? delays)
    {
        _delays = delays is { Length: > 0 } ? [.. delays] : DefaultDelays;
    }

    public TimeSpan Delay(long attempt) => _delays[(int)Math.Min(attempt, _delays.Length - 1)];

    public TimeSpan? NextRetryDelay(RetryContext retryContext) => Delay(retryContext.PreviousRetryCount);
}
