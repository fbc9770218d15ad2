using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;

namespace Relay.Api.Events;

/// <summary>The account's events after a sequence number, oldest first, optionally for one register or terminal.</summary>
public static class EventQueries
{
    public static async Task<List<EventRecord>> AfterAsync(
        this RelayDbContext db, Guid accountId, long after, EventFilter filter, int limit, CancellationToken ct)
    {
        var rows = await Numbered(db.EventNumbers.Where(n => n.AccountId == accountId && n.Sequence > after), db)
            .Where(n => filter.RegisterId == null || n.Event.RegisterId == filter.RegisterId)
            .Where(n => filter.TerminalId == null || n.Event.TerminalId == filter.TerminalId)
            .Where(n => filter.Types == null || filter.Types.Contains(n.Event.Type))
            .OrderBy(n => n.Sequence)
            .Take(limit)
            .ToListAsync(ct);
        return rows.ConvertAll(WithSequence);
    }

    /// <summary>The account's event with that sequence number, if it is still kept.</summary>
    public static async Task<EventRecord?> NumberedAsync(this RelayDbContext db, Guid accountId, long sequence, CancellationToken ct) =>
        await Numbered(db.EventNumbers.Where(n => n.AccountId == accountId && n.Sequence == sequence), db).FirstOrDefaultAsync(ct)
            is { } row ? WithSequence(row) : null;

    // Set by member initialisation, not a constructor: the query filters and orders on its members.
    private sealed class Row
    {
        public long Sequence { get; init; }
        public required EventRecord Event { get; init; }
    }

    private static IQueryable<Row> Numbered(IQueryable<EventNumber> numbers, RelayDbContext db) =>
        numbers.Join(db.Events.AsNoTracking(), n => n.EventId, e => e.Id, (n, e) => new Row { Sequence = n.Sequence, Event = e });

    private static EventRecord WithSequence(Row row)
    {
        row.Event.Sequence = row.Sequence;
        return row.Event;
    }

    /// <summary>The account's newest sequence number (0 before its first event): where a stream with no Last-Event-ID starts.</summary>
    public static async Task<long> LastSequenceAsync(this RelayDbContext db, Guid accountId, CancellationToken ct) =>
        await db.EventSequences.Where(s => s.AccountId == accountId).Select(s => (long?)s.LastSequence).FirstOrDefaultAsync(ct) ?? 0;
}

/// <param name="RegisterId">Only events about this register.</param>
/// <param name="TerminalId">Only events about this terminal.</param>
/// <param name="Types">Only events of these types (null: all).</param>
public sealed record EventFilter(string? RegisterId, Guid? TerminalId, string[]? Types);
