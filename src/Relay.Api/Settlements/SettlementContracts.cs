namespace Relay.Api.Settlements;

/// <summary>Terminal → server ReportSettlement.</summary>
public sealed record SettlementReport(string? BatchId, DateTimeOffset? OpenedAt, DateTimeOffset? ClosedAt, SettlementTotal[]? Totals,
    string? Receipt);

/// <param name="Accepted">False when the terminal reported this batch before with other figures (the first report stands).</param>
/// <param name="SettlementId">The settlement the batch is.</param>
public sealed record SettlementAck(bool Accepted, Guid SettlementId);

/// <param name="Id" example="0193a0b4-6666-7000-8000-00000000ba7c">The settlement.</param>
/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">The terminal that closed the batch.</param>
/// <param name="BatchId" example="B-2026-12-02-01">The terminal's batch id.</param>
/// <param name="OpenedAt" example="2026-12-02T08:00:00Z">When the batch opened.</param>
/// <param name="ClosedAt" example="2026-12-02T17:30:00Z">When the terminal closed it.</param>
/// <param name="Totals">Counts and sums per type (and card scheme) and currency.</param>
/// <param name="Receipt" example="SETTLEMENT OK">The terminal's settlement receipt.</param>
/// <param name="ReportedAt" example="2026-12-02T17:30:01Z">When the relay stored it.</param>
public sealed record SettlementResponse(
    Guid Id, Guid TerminalId, string BatchId, DateTimeOffset? OpenedAt, DateTimeOffset ClosedAt, IReadOnlyList<SettlementTotal> Totals,
    string? Receipt, DateTimeOffset ReportedAt)
{
    public static SettlementResponse From(Settlement s) =>
        new(s.Id, s.TerminalId, s.BatchId, s.OpenedAt, s.ClosedAt, s.Totals, s.Receipt, s.ReportedAt);
}
