namespace Relay.Api.Transactions;

/// <summary>A question the terminal asked the POS during a transaction (a signature check, say), answered once.</summary>
public sealed class InputRequest
{
    public Guid TransactionId { get; set; }
    public required string RequestId { get; set; }
    public Guid AccountId { get; set; }
    public Guid TerminalId { get; set; }
    /// <summary>confirm or text.</summary>
    public required string Kind { get; set; }
    public required string Prompt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public string? Value { get; set; }
}
