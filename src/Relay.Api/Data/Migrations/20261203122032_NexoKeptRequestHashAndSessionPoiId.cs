using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Relay.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class NexoKeptRequestHashAndSessionPoiId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_nexo_async_requests",
                table: "nexo_async_requests");

            migrationBuilder.AddColumn<string>(
                name: "poi_id",
                table: "nexo_sessions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "request_hash",
                table: "nexo_async_requests",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            // The new columns of the rows already there: a kept message takes the hash of what its key made (so its webhook still
            // comes), a session the terminal's id as its POIID.
            migrationBuilder.Sql("""
                UPDATE nexo_async_requests r SET request_hash = k.request_hash
                FROM idempotency_records k WHERE k.account_id = r.account_id AND k.key = r.key;
                UPDATE nexo_async_requests r SET request_hash = a.request_hash
                FROM terminal_actions a WHERE a.account_id = r.account_id AND a.idempotency_key = r.key;
                UPDATE nexo_sessions SET poi_id = terminal_id::text;
                """);

            migrationBuilder.AddPrimaryKey(
                name: "pk_nexo_async_requests",
                table: "nexo_async_requests",
                columns: new[] { "account_id", "key", "request_hash" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_nexo_async_requests",
                table: "nexo_async_requests");

            migrationBuilder.DropColumn(
                name: "poi_id",
                table: "nexo_sessions");

            migrationBuilder.DropColumn(
                name: "request_hash",
                table: "nexo_async_requests");

            migrationBuilder.AddPrimaryKey(
                name: "pk_nexo_async_requests",
                table: "nexo_async_requests",
                columns: new[] { "account_id", "key" });
        }
    }
}
