using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;
using Relay.Api.Data;

namespace Relay.Api.FleetConfiguration;

public sealed class FleetSettingConfiguration : IEntityTypeConfiguration<FleetSetting>
{
    public void Configure(EntityTypeBuilder<FleetSetting> builder)
    {
        // The primary key serves every read: a terminal's connect reads its account's default, its store and itself.
        builder.HasKey(s => new { s.AccountId, s.Scope, s.Key });
        builder.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId);
        builder.Property(s => s.Scope).HasMaxLength(20).HasConversion<SnakeCaseEnumConverter<FleetScope>>();
        builder.Property(s => s.Key).HasMaxLength(100);
        builder.Property(s => s.Settings).HasConversion<JsonColumnConverter<FleetSettings>>().HasColumnType("jsonb");
    }
}
