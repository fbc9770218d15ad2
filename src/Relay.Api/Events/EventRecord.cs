namespace Relay.Api.Events;

/// <summary>
/// One event in an account's history (the outbox): written in the same database transaction as the change it
/// describes, numbered by the account's own gap-free sequence, read by the stream, the history and webhook deliveries.
/// </summary>
public sealed class EventRecord
{
    public Guid AccountId { get; set; }
    public long Sequence { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string? RegisterId { get; set; }
    public Guid? TerminalId { get; set; }
    public Guid? TransactionId { get; set; }
    /// <summary>The event's own payload, JSON exactly as it was written (a <c>json</c> column keeps its bytes).</summary>
    public required string Data { get; set; }
}

/// <summary>The last sequence number given out in an account; its row lock orders the account's events by commit.</summary>
public sealed class EventSequence
{
    public Guid AccountId { get; set; }
    public long LastSequence { get; set; }
}
