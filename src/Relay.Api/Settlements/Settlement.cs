namespace Relay.Api.Settlements;

/// <summary>A batch the terminal closed with its acquirer (hub ReportSettlement), once per terminal and batch id.</summary>
public sealed class Settlement
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid TerminalId { get; set; }
    public required string BatchId { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset ClosedAt { get; set; }
    /// <summary>The batch's totals as the terminal reported them (jsonb).</summary>
    public required SettlementTotal[] Totals { get; set; }
    public string? Receipt { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
}

/// <param name="Type" example="purchase">The transaction type the line totals.</param>
/// <param name="CardScheme" example="visa">The card scheme, when the terminal splits by scheme.</param>
/// <param name="Count" example="42">How many.</param>
/// <param name="Amount" example="125050">Their sum, minor units.</param>
/// <param name="Currency" example="NZD">ISO 4217.</param>
public sealed record SettlementTotal(string? Type, string? CardScheme, long? Count, long? Amount, string? Currency);
