using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;
using Relay.Api.Terminals;

namespace Relay.Api.Pairing;

public sealed class RegisterPairingConfiguration : IEntityTypeConfiguration<RegisterPairing>
{
    public void Configure(EntityTypeBuilder<RegisterPairing> builder)
    {
        builder.ToTable("pairings");
        builder.HasKey(p => new { p.AccountId, p.RegisterId });
        builder.Property(p => p.RegisterId).HasMaxLength(100);
        builder.Property(p => p.RegisterName).HasMaxLength(100);
        builder.Property(p => p.StoreName).HasMaxLength(100);
        builder.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId);
        builder.HasOne<Terminal>().WithMany().HasForeignKey(p => p.TerminalId);
        builder.HasIndex(p => p.TerminalId);
    }
}

public sealed class PairingCodeConfiguration : IEntityTypeConfiguration<PairingCode>
{
    public void Configure(EntityTypeBuilder<PairingCode> builder)
    {
        builder.Property(c => c.Code).HasMaxLength(16);
        builder.HasIndex(c => new { c.AccountId, c.Code }).IsUnique();
        builder.HasIndex(c => c.ExpiresAt);
        builder.HasOne<Terminal>().WithMany().HasForeignKey(c => c.TerminalId);
    }
}
