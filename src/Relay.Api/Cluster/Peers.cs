using Microsoft.Extensions.Options;

namespace Relay.Api.Cluster;

/// <summary>
/// Whether other relay instances may be running, so that hints for them (<see cref="PeerNotify"/>) are worth sending.
/// An instance is alone once no other has been seen for <see cref="ClusterOptions.DeadAfter"/>: none alive in the
/// heartbeat's count, none announcing itself on start, and no reconnect of this instance's listener (which may have
/// missed an announcement). Alone, it sends no hints: a transaction's waiters, its event streams and its terminals are
/// all here, or nowhere. At 100 payments/s that is one database transaction in five fewer.
/// </summary>
/// <remarks>
/// Erring costs only time, never an outcome: hints are hints, and every reader has its fallback (waiters re-read within a
/// second, pending work is pushed again). A starting instance announces itself before it takes any request.
/// </remarks>
public sealed class Peers(IOptions<RelayOptions> options)
{
    // Environment.TickCount64 (monotonic, real time), not the relay's clock: a liveness window, not business time.
    private long seenUntil = Environment.TickCount64 + (long)options.Value.Cluster.DeadAfter.TotalMilliseconds;

    public bool Alone => Environment.TickCount64 >= Interlocked.Read(ref seenUntil);

    /// <summary>Another instance is (or may be) running: send hints for at least <see cref="ClusterOptions.DeadAfter"/>.</summary>
    public void Seen() => Interlocked.Exchange(ref seenUntil, Environment.TickCount64 + (long)options.Value.Cluster.DeadAfter.TotalMilliseconds);
}
