using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;

namespace Relay.Api.Events;

public sealed class EventRecordConfiguration : IEntityTypeConfiguration<EventRecord>
{
    public void Configure(EntityTypeBuilder<EventRecord> builder)
    {
        builder.ToTable("events");
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => new { e.AccountId, e.Sequence }).IsUnique();
        builder.HasIndex(e => new { e.AccountId, e.Id }).HasFilter("sequence IS NULL").HasDatabaseName("ix_events_unsequenced");
        builder.HasOne<Account>().WithMany().HasForeignKey(e => e.AccountId);
        builder.Property(e => e.Type).HasMaxLength(40);
        builder.Property(e => e.RegisterId).HasMaxLength(100);
        builder.Property(e => e.Data).HasColumnType("json");
        builder.HasIndex(e => e.OccurredAt);
    }
}

public sealed class EventSequenceConfiguration : IEntityTypeConfiguration<EventSequence>
{
    public void Configure(EntityTypeBuilder<EventSequence> builder)
    {
        builder.HasKey(s => s.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId);
    }
}
