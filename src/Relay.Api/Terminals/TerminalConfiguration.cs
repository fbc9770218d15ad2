using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;

namespace Relay.Api.Terminals;

public sealed class TerminalConfiguration : IEntityTypeConfiguration<Terminal>
{
    public void Configure(EntityTypeBuilder<Terminal> builder)
    {
        builder.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId);
        builder.Property(t => t.Status).HasMaxLength(20);
        builder.Property(t => t.Label).HasMaxLength(100);
        builder.Property(t => t.StoreId).HasMaxLength(100);
        builder.Property(t => t.SerialNumber).HasMaxLength(100);
        builder.Property(t => t.Model).HasMaxLength(100);
        builder.Property(t => t.AppVersion).HasMaxLength(50);
        builder.Property(t => t.ConnectionId).HasMaxLength(100);
        builder.HasIndex(t => new { t.AccountId, t.CreatedAt });
        builder.HasIndex(t => t.InstanceId).HasFilter("instance_id IS NOT NULL");
        builder.HasIndex(t => t.ActivationCodeHash).IsUnique().HasFilter("activation_code_hash IS NOT NULL");
        builder.HasIndex(t => t.DeviceTokenHash).IsUnique().HasFilter("device_token_hash IS NOT NULL");
    }
}
