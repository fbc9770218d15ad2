using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Relay.Api.Accounts;
using Relay.Api.Data;

namespace Relay.Api.Transactions;

public sealed class TransactionConfiguration : IEntityTypeConfiguration<Transaction>
{
    public void Configure(EntityTypeBuilder<Transaction> builder)
    {
        builder.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId);
        builder.HasOne(t => t.Terminal).WithMany().HasForeignKey(t => t.TerminalId);
        builder.Property(t => t.RegisterId).HasMaxLength(100);
        builder.Property(t => t.RegisterName).HasMaxLength(100);
        builder.Property(t => t.Type).HasMaxLength(30);
        builder.Property(t => t.Status).HasMaxLength(30);
        builder.Property(t => t.Origin).HasMaxLength(20).HasDefaultValue(TransactionOrigin.Pos).HasSentinel(TransactionOrigin.Pos);
        builder.Property(t => t.TerminalReference).HasMaxLength(100);
        builder.Property(t => t.Currency).HasMaxLength(3);
        builder.Property(t => t.Reference).HasMaxLength(100);
        builder.Property(t => t.CallbackUrl).HasMaxLength(2000);
        builder.Property(t => t.Traceparent).HasMaxLength(55);
        builder.Property(t => t.Result).HasConversion<JsonColumnConverter<TransactionResult>>().HasColumnType("jsonb");
        builder.Property(t => t.Options).HasConversion<JsonColumnConverter<TransactionOptions>>().HasColumnType("jsonb");
        builder.Property(t => t.Resolution).HasConversion<JsonColumnConverter<TransactionResolution>>().HasColumnType("jsonb");

        // A terminal serves one transaction at a time: the database refuses a second open one. Open is open_terminal_id, not
        // status: no index reads status, so delivered, in_progress and cancel_requested are HOT updates (fillfactor leaves room
        // for them on the page); only the final one, which clears open_terminal_id and sets completed_at, writes index entries.
        builder.HasIndex(t => t.OpenTerminalId).IsUnique().HasDatabaseName("ix_transactions_one_open_per_terminal")
            .HasFilter("open_terminal_id IS NOT NULL");
        builder.ToTable(t => t.HasCheckConstraint("ck_transactions_open_terminal",
            "(open_terminal_id IS NOT NULL) = (status IN ('pending', 'delivered', 'in_progress', 'cancel_requested')) "
            + "AND (open_terminal_id IS NULL OR open_terminal_id = terminal_id)"));
        builder.HasStorageParameter("fillfactor", 85);
        // A transaction the terminal made by itself is stored once, however often it reports it.
        builder.HasIndex(t => new { t.TerminalId, t.TerminalReference }).IsUnique().HasDatabaseName("ix_transactions_terminal_reference")
            .HasFilter("terminal_reference IS NOT NULL");
        builder.HasIndex(t => new { t.TerminalId, t.CreatedAt });
        builder.HasIndex(t => new { t.AccountId, t.CreatedAt, t.Id });
        builder.HasIndex(t => new { t.AccountId, t.RegisterId, t.CreatedAt });
        builder.HasIndex(t => t.ExpiresAt).HasFilter("open_terminal_id IS NOT NULL");
        // The totals for reconciliation (Reports): final transactions by when they ended. Partial on completed_at, not on
        // status, so a row enters it once, at the transition that ends it (which writes completed_at); the insert and the
        // transitions before that leave it alone and stay free to be HOT updates. terminal_id, which no update changes, is
        // in it so a terminal's or a store's day is picked out in the index: without it the planner combined the period
        // with the terminal's whole history from (terminal_id, created_at).
        builder.HasIndex(t => new { t.AccountId, t.CompletedAt, t.TerminalId }).HasDatabaseName("ix_transactions_final_by_completed_at")
            .HasFilter("completed_at IS NOT NULL");
    }
}

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.HasKey(r => new { r.AccountId, r.Key });
        builder.Property(r => r.Key).HasMaxLength(255);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.HasOne<Transaction>().WithMany().HasForeignKey(r => r.TransactionId);
        builder.HasIndex(r => r.CreatedAt);
    }
}
