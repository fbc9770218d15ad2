using Microsoft.Extensions.Options;

namespace Relay.Api.Cluster;

/// <summary>
/// Whether other relay instances may be running, so that the hints whose readers re-read anyway are worth sending: a
/// finished transaction (t:, for Prefer: wait requests, which re-read within a second) and numbered events (e:, for
/// event streams, which re-read at their interval). An instance is alone once no other has been seen for
/// <see cref="ClusterOptions.DeadAfter"/>: none alive in the heartbeat's count, none announcing itself on start, and no
/// reconnect of this instance's listener (which may have missed an announcement).
/// </summary>
/// <remarks>
/// Erring costs a second at most, never an outcome. Pushes to terminals held elsewhere (p:) and key revocations (k:) are
/// always sent: an input answer or a pairing change has no re-send to fall back on. A starting instance announces itself
/// before it takes any request.
/// </remarks>
public sealed class Peers(IOptions<RelayOptions> options)
{
    // Environment.TickCount64 (monotonic, real time), not the relay's clock: a liveness window, not business time.
    private long _seenUntil = WindowFromNow(options);

    public bool Alone => Environment.TickCount64 >= Interlocked.Read(ref _seenUntil);

    /// <summary>Another instance is (or may be) running: send hints for at least <see cref="ClusterOptions.DeadAfter"/>.</summary>
    public void Seen() => Interlocked.Exchange(ref _seenUntil, WindowFromNow(options));

    private static long WindowFromNow(IOptions<RelayOptions> options) =>
        Environment.TickCount64 + (long)options.Value.Cluster.DeadAfter.TotalMilliseconds;
}
