using Relay.Api.Cluster;
using Relay.Api.Infrastructure;

namespace Relay.Api.Actions;

/// <summary>Requests waiting (Prefer: wait) for an action to end; another instance's end of it is addressed to the instances
/// waiting on it.</summary>
public sealed class ActionWaiters(PeerInterests interests) : Signals<Guid, TerminalActionResponse>
{
    protected override async ValueTask<IDisposable?> WaitingAsync(Guid key, CancellationToken ct) =>
        await interests.HoldAsync(PeerHint.ActionFinished.TopicOf(key), ct);
}
