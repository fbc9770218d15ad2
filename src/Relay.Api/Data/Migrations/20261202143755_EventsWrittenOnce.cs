using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Relay.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class EventsWrittenOnce : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "event_numbers",
                columns: table => new
                {
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    event_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_event_numbers", x => new { x.account_id, x.sequence });
                });

            migrationBuilder.CreateTable(
                name: "unnumbered_events",
                columns: table => new
                {
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unnumbered_events", x => new { x.account_id, x.event_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_event_numbers_event_id",
                table: "event_numbers",
                column: "event_id",
                unique: true);

            // Every event numbered so far keeps its number; those not yet numbered queue for it.
            migrationBuilder.Sql("""
                INSERT INTO event_numbers (account_id, sequence, event_id)
                SELECT account_id, sequence, id FROM events WHERE sequence IS NOT NULL;
                INSERT INTO unnumbered_events (account_id, event_id)
                SELECT account_id, id FROM events WHERE sequence IS NULL;
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_events_accounts_account_id",
                table: "events");

            migrationBuilder.DropIndex(
                name: "ix_events_account_id_sequence",
                table: "events");

            migrationBuilder.DropIndex(
                name: "ix_events_unsequenced",
                table: "events");

            migrationBuilder.DropColumn(
                name: "sequence",
                table: "events");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "event_numbers");

            migrationBuilder.DropTable(
                name: "unnumbered_events");

            migrationBuilder.AddColumn<long>(
                name: "sequence",
                table: "events",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_events_account_id_sequence",
                table: "events",
                columns: new[] { "account_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_events_unsequenced",
                table: "events",
                columns: new[] { "account_id", "id" },
                filter: "sequence IS NULL");

            migrationBuilder.AddForeignKey(
                name: "fk_events_accounts_account_id",
                table: "events",
                column: "account_id",
                principalTable: "accounts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
