using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Relay.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class OpenTerminalForHotTransitions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_transactions_expires_at",
                table: "transactions");

            migrationBuilder.DropIndex(
                name: "ix_transactions_one_open_per_terminal",
                table: "transactions");

            migrationBuilder.AlterTable(
                name: "transactions")
                .Annotation("Npgsql:StorageParameter:fillfactor", 85);

            migrationBuilder.AddColumn<Guid>(
                name: "open_terminal_id",
                table: "transactions",
                type: "uuid",
                nullable: true);

            // The transactions open now take their terminal: what the new unique index and check constraint hold from here on.
            migrationBuilder.Sql(
                "UPDATE transactions SET open_terminal_id = terminal_id "
                + "WHERE status IN ('pending', 'delivered', 'in_progress', 'cancel_requested')");

            migrationBuilder.CreateIndex(
                name: "ix_transactions_expires_at",
                table: "transactions",
                column: "expires_at",
                filter: "open_terminal_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_transactions_one_open_per_terminal",
                table: "transactions",
                column: "open_terminal_id",
                unique: true,
                filter: "open_terminal_id IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_transactions_open_terminal",
                table: "transactions",
                sql: "(open_terminal_id IS NOT NULL) = (status IN ('pending', 'delivered', 'in_progress', 'cancel_requested')) AND (open_terminal_id IS NULL OR open_terminal_id = terminal_id)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_transactions_expires_at",
                table: "transactions");

            migrationBuilder.DropIndex(
                name: "ix_transactions_one_open_per_terminal",
                table: "transactions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_transactions_open_terminal",
                table: "transactions");

            migrationBuilder.DropColumn(
                name: "open_terminal_id",
                table: "transactions");

            migrationBuilder.AlterTable(
                name: "transactions")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 85);

            migrationBuilder.CreateIndex(
                name: "ix_transactions_expires_at",
                table: "transactions",
                column: "expires_at",
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_transactions_one_open_per_terminal",
                table: "transactions",
                column: "terminal_id",
                unique: true,
                filter: "status IN ('pending', 'delivered', 'in_progress', 'cancel_requested')");
        }
    }
}
