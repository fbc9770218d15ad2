using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Relay.Api.Cluster;

/// <summary>
/// An instance waits here for hints on a topic (a transaction's or an action's end, an account's numbered events): the
/// addressed hints go to these instances only (<see cref="PeerInterests"/>). A row is a routing hint like the hint
/// itself: the table is unlogged (no WAL, so registering one waits for no disk, and a crash empties it), and each
/// instance restores its rows at its next heartbeat.
/// </summary>
public sealed class PeerInterest
{
    public required string Topic { get; set; }
    public Guid InstanceId { get; set; }
}

public sealed class PeerInterestConfiguration : IEntityTypeConfiguration<PeerInterest>
{
    public void Configure(EntityTypeBuilder<PeerInterest> builder)
    {
        builder.ToTable("relay_interests").IsUnlogged();
        builder.HasKey(i => new { i.Topic, i.InstanceId });
        builder.Property(i => i.Topic).HasMaxLength(100);
        builder.HasIndex(i => i.InstanceId); // an instance's own rows, at its heartbeat
    }
}
