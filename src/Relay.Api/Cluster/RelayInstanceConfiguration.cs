using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Relay.Api.Cluster;

public sealed class RelayInstanceConfiguration : IEntityTypeConfiguration<RelayInstance>
{
    public void Configure(EntityTypeBuilder<RelayInstance> builder)
    {
        builder.ToTable("relay_instances");
        builder.Property(i => i.Name).HasMaxLength(200);
    }
}
