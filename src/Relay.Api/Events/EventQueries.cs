using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;

namespace Relay.Api.Events;

/// <summary>The account's events after a sequence number, oldest first, optionally for one register or terminal.</summary>
public static class EventQueries
{
    public static Task<List<EventRecord>> AfterAsync(
        this RelayDbContext db, Guid accountId, long after, EventFilter filter, int limit, CancellationToken ct) =>
        db.Events.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.Sequence > after)
            .Where(e => filter.RegisterId == null || e.RegisterId == filter.RegisterId)
            .Where(e => filter.TerminalId == null || e.TerminalId == filter.TerminalId)
            .Where(e => filter.Types == null || filter.Types.Contains(e.Type))
            .OrderBy(e => e.Sequence)
            .Take(limit)
            .ToListAsync(ct);

    /// <summary>The account's newest sequence number (0 before its first event): where a stream with no Last-Event-ID starts.</summary>
    public static async Task<long> LastSequenceAsync(this RelayDbContext db, Guid accountId, CancellationToken ct) =>
        await db.EventSequences.Where(s => s.AccountId == accountId).Select(s => (long?)s.LastSequence).FirstOrDefaultAsync(ct) ?? 0;
}

/// <param name="RegisterId">Only events about this register.</param>
/// <param name="TerminalId">Only events about this terminal.</param>
/// <param name="Types">Only events of these types (null: all).</param>
public sealed record EventFilter(string? RegisterId, Guid? TerminalId, string[]? Types);
