using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;

namespace Relay.Api.Webhooks;

public sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
    {
        builder.HasOne<Account>().WithMany().HasForeignKey(w => w.AccountId);
        builder.Property(w => w.Url).HasMaxLength(2000);
        builder.Property(w => w.Secret).HasMaxLength(100);
        builder.Property(w => w.Format).HasMaxLength(10).HasDefaultValue(WebhookFormats.Relay);
        builder.Property(w => w.DisabledReason).HasMaxLength(500);
        builder.HasIndex(w => new { w.AccountId, w.CreatedAt });
    }
}

public sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.HasOne<Account>().WithMany().HasForeignKey(d => d.AccountId);
        builder.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.Url).HasMaxLength(2000);
        builder.Property(d => d.EventType).HasMaxLength(40);
        builder.Property(d => d.Status).HasMaxLength(20);
        builder.HasIndex(d => d.NextAttemptAt).HasFilter("status = 'pending'");
        builder.HasIndex(d => new { d.EndpointId, d.CreatedAt });
        // The failing ones alone (few, unless a receiver is down), for the dashboard: a delivery enters it when it fails.
        builder.HasIndex(d => new { d.EndpointId, d.CreatedAt }, "failing").HasDatabaseName("ix_webhook_deliveries_failing")
            .HasFilter("status = 'failed' OR (status = 'pending' AND attempt_count > 0)");
        builder.HasIndex(d => d.CompletedAt);
    }
}

public sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        builder.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Error).HasMaxLength(500);
        builder.HasIndex(a => new { a.DeliveryId, a.Number }).IsUnique();
    }
}
