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
        builder.Ignore(e => e.Sequence);
        // No foreign key to accounts: the relay's functions append events only for the account of the change they describe
        // (accounts are never deleted), and a key check would lock the account's row at every event, from every payment.
        builder.Property(e => e.Type).HasMaxLength(40);
        builder.Property(e => e.RegisterId).HasMaxLength(100);
        builder.Property(e => e.Data).HasColumnType("json");
        builder.HasIndex(e => e.OccurredAt);
    }
}

public sealed class EventNumberConfiguration : IEntityTypeConfiguration<EventNumber>
{
    public void Configure(EntityTypeBuilder<EventNumber> builder)
    {
        builder.HasKey(n => new { n.AccountId, n.Sequence });
        builder.HasIndex(n => n.EventId).IsUnique(); // retention, and no event numbered twice
    }
}

public sealed class UnnumberedEventConfiguration : IEntityTypeConfiguration<UnnumberedEvent>
{
    public void Configure(EntityTypeBuilder<UnnumberedEvent> builder) => builder.HasKey(u => new { u.AccountId, u.EventId });
}

public sealed class EventSequenceConfiguration : IEntityTypeConfiguration<EventSequence>
{
    public void Configure(EntityTypeBuilder<EventSequence> builder)
    {
        builder.HasKey(s => s.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId);
    }
}
