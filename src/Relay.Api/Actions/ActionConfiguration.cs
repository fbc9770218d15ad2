using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;
using Relay.Api.Data;
using Relay.Api.Terminals;

namespace Relay.Api.Actions;

public sealed class TerminalActionConfiguration : IEntityTypeConfiguration<TerminalAction>
{
    public void Configure(EntityTypeBuilder<TerminalAction> builder)
    {
        builder.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId);
        builder.HasOne<Terminal>().WithMany().HasForeignKey(a => a.TerminalId);
        builder.Property(a => a.Type).HasMaxLength(30);
        builder.Property(a => a.Status).HasMaxLength(30);
        builder.Property(a => a.Request).HasConversion<JsonColumnConverter<ActionRequest>>().HasColumnType("jsonb");
        builder.Property(a => a.Result).HasConversion<JsonColumnConverter<System.Text.Json.Nodes.JsonObject>>().HasColumnType("jsonb")
            .Metadata.SetValueComparer(new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<System.Text.Json.Nodes.JsonObject?>(
                (a, b) => (a == null ? null : a.ToJsonString()) == (b == null ? null : b.ToJsonString()),
                a => a == null ? 0 : a.ToJsonString().GetHashCode(),
                a => a == null ? null : (System.Text.Json.Nodes.JsonObject)a.DeepClone()));
        builder.Property(a => a.FailureCode).HasMaxLength(100);
        builder.Property(a => a.FailureMessage).HasMaxLength(500);
        builder.Property(a => a.IdempotencyKey).HasMaxLength(255);
        builder.Property(a => a.RequestHash).HasMaxLength(64);
        // The Idempotency-Key is the action's own: one action per key in the account, whoever races.
        builder.HasIndex(a => new { a.AccountId, a.IdempotencyKey }).IsUnique();
        builder.HasIndex(a => new { a.TerminalId, a.CreatedAt });
        builder.HasIndex(a => a.TerminalId).HasFilter("status IN ('pending', 'delivered')").HasDatabaseName("ix_terminal_actions_open");
        builder.HasIndex(a => a.ExpiresAt).HasFilter("status = 'pending'");
        builder.HasIndex(a => a.CompletedAt);
    }
}
