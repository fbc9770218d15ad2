namespace Relay.Api.Transactions;

/// <summary>Why the transaction service did not do what it was asked; the endpoints say it as problem details.</summary>
public enum TransactionRefusal
{
    /// <summary>No such transaction in the account.</summary>
    NotFound,
    RegisterNotPaired,
    TerminalRemoved,
    /// <summary>The capture's or void's original transaction is not in the account.</summary>
    OriginalUnknown,
    /// <summary>The terminal has another transaction that is not final.</summary>
    TerminalBusy,
    /// <summary>The Idempotency-Key was used with another request.</summary>
    IdempotencyKeyReused,
    /// <summary>The transaction already ended.</summary>
    Final,
    /// <summary>An operator's resolve of a transaction whose device can still report.</summary>
    NotStranded,
}

/// <summary>The transaction (as it stands, or replayed for a repeated Idempotency-Key), or why not.</summary>
public sealed record TransactionAnswer(TransactionResponse? Transaction, TransactionRefusal? Refusal = null, bool Replayed = false)
{
    public static implicit operator TransactionAnswer(TransactionRefusal refusal) => new(null, refusal);
}
