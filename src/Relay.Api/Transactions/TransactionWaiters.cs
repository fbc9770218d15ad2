using Relay.Api.Infrastructure;

namespace Relay.Api.Transactions;

/// <summary>Wakes requests waiting (Prefer: wait) on a transaction, keyed by its id; a final change made here hands them the
/// transaction.</summary>
public sealed class TransactionWaiters : Signals<Guid, TransactionResponse>;
