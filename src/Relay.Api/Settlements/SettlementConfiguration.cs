using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;
using Relay.Api.Data;
using Relay.Api.Terminals;

namespace Relay.Api.Settlements;

public sealed class SettlementConfiguration : IEntityTypeConfiguration<Settlement>
{
    public void Configure(EntityTypeBuilder<Settlement> builder)
    {
        builder.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId);
        builder.HasOne<Terminal>().WithMany().HasForeignKey(s => s.TerminalId);
        builder.Property(s => s.BatchId).HasMaxLength(100);
        builder.Property(s => s.Totals).HasConversion<JsonColumnConverter<SettlementTotal[]>>().HasColumnType("jsonb")
            .Metadata.SetValueComparer(new ValueComparer<SettlementTotal[]>(
                (a, b) => a!.SequenceEqual(b!), a => a.Aggregate(0, (hash, line) => HashCode.Combine(hash, line)), a => a.ToArray()));
        // A batch is reported once per terminal, however often the terminal sends it.
        builder.HasIndex(s => new { s.TerminalId, s.BatchId }).IsUnique();
        builder.HasIndex(s => new { s.AccountId, s.ClosedAt });
    }
}
