namespace Relay.Api.Events;

/// <summary>
/// One event in an account's history (the outbox): written once, in the same database transaction as the change it
/// describes, with an <see cref="UnnumberedEvent"/> beside it; numbered in the account's own gap-free sequence once
/// committed (<see cref="EventSequencer"/>: an <see cref="EventNumber"/>, the row itself untouched), and read by the
/// stream, the history and webhook deliveries in that order.
/// </summary>
public sealed class EventRecord
{
    /// <summary>Insertion order across all accounts; the sequencer numbers an account's committed events in this order.</summary>
    public long Id { get; set; }
    public Guid AccountId { get; set; }
    /// <summary>The account's sequence number, as the reader found it (<see cref="EventNumber"/>); not a column.</summary>
    public long? Sequence { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string? RegisterId { get; set; }
    public Guid? TerminalId { get; set; }
    public Guid? TransactionId { get; set; }
    /// <summary>The event's own payload, JSON exactly as it was written (a <c>json</c> column keeps its bytes).</summary>
    public required string Data { get; set; }
}

/// <summary>An event's number in its account's sequence: narrow, so numbering writes no copy of the event.</summary>
public sealed class EventNumber
{
    public Guid AccountId { get; set; }
    public long Sequence { get; set; }
    public long EventId { get; set; }
}

/// <summary>An event committed (or about to be) and not numbered yet: the sequencer's queue, taken whole per account.</summary>
public sealed class UnnumberedEvent
{
    public Guid AccountId { get; set; }
    public long EventId { get; set; }
}

/// <summary>The last sequence number given out in an account; its row lock lets one sequencer at a time number its events.</summary>
public sealed class EventSequence
{
    public Guid AccountId { get; set; }
    public long LastSequence { get; set; }
}
