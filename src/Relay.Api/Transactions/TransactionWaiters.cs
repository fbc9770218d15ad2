using Relay.Api.Cluster;
using Relay.Api.Infrastructure;

namespace Relay.Api.Transactions;

/// <summary>Wakes requests waiting (Prefer: wait) on a transaction, keyed by its id; a final change made here hands them the
/// transaction. Another instance's final change is addressed to the instances waiting on it.</summary>
public sealed class TransactionWaiters(PeerInterests interests) : Signals<Guid, TransactionResponse>
{
    protected override async ValueTask<IDisposable?> WaitingAsync(Guid key, CancellationToken ct) =>
        await interests.HoldAsync(PeerHint.TransactionFinished.TopicOf(key), ct);
}
