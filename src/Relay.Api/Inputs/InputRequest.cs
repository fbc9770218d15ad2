using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Transactions;

namespace Relay.Api.Inputs;

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

public sealed class InputRequestConfiguration : IEntityTypeConfiguration<InputRequest>
{
    public void Configure(EntityTypeBuilder<InputRequest> builder)
    {
        builder.HasKey(r => new { r.TransactionId, r.RequestId });
        builder.HasOne<Transaction>().WithMany().HasForeignKey(r => r.TransactionId);
        builder.Property(r => r.RequestId).HasMaxLength(100);
        builder.Property(r => r.Kind).HasMaxLength(20);
        builder.Property(r => r.Prompt).HasMaxLength(500);
        builder.Property(r => r.Value).HasMaxLength(500);
    }
}
