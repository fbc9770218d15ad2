using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;

namespace Relay.Api.Nexo;

/// <summary>
/// A message sent to /nexo/async, kept by the Idempotency-Key of what it creates (written before it, so its end cannot come
/// first): the transaction's or action's final event is then delivered to the account's nexo webhook endpoints, the body the
/// response this message gets when it is sent again (its replay). Kept as long as the key, by the key and its request's hash: only
/// the message whose request the key recorded is replayed, never one refused before or one that reused the ServiceID.
/// </summary>
public sealed class NexoAsyncRequest
{
    public Guid AccountId { get; set; }
    public required string Key { get; set; }
    public required byte[] Message { get; set; }
    public required string RequestHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class NexoAsyncRequestConfiguration : IEntityTypeConfiguration<NexoAsyncRequest>
{
    public void Configure(EntityTypeBuilder<NexoAsyncRequest> builder)
    {
        builder.HasKey(r => new { r.AccountId, r.Key, r.RequestHash });
        builder.HasOne<Account>().WithMany().HasForeignKey(r => r.AccountId);
        builder.Property(r => r.Key).HasMaxLength(200);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.HasIndex(r => r.CreatedAt);
    }
}
