using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;
using Relay.Api.Terminals;

namespace Relay.Api.Nexo;

/// <summary>A nexo Login of a sale system (SaleID) to a terminal (POIID), until its Logout: what Diagnosis lists as logged in, and
/// the SaleCapabilities it declared, and the POIID it named the terminal by (the id or the serial), which the terminal's requests
/// to it carry.</summary>
public sealed class NexoSession
{
    public Guid AccountId { get; set; }
    public Guid TerminalId { get; set; }
    public required string SaleId { get; set; }
    public required string PoiId { get; set; }
    public string[] SaleCapabilities { get; set; } = [];
    public string? OperatorId { get; set; }
    public DateTimeOffset LoggedInAt { get; set; }
}

public sealed class NexoSessionConfiguration : IEntityTypeConfiguration<NexoSession>
{
    public void Configure(EntityTypeBuilder<NexoSession> builder)
    {
        builder.HasKey(s => new { s.TerminalId, s.SaleId });
        builder.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId);
        builder.HasOne<Terminal>().WithMany().HasForeignKey(s => s.TerminalId);
        builder.Property(s => s.SaleId).HasMaxLength(100);
        builder.Property(s => s.PoiId).HasMaxLength(100);
        builder.Property(s => s.OperatorId).HasMaxLength(100);
    }
}
