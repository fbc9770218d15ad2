using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Relay.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class TerminalOriginatedTransactions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "register_id",
                table: "transactions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(100)",
                oldMaxLength: 100);

            migrationBuilder.AddColumn<string>(
                name: "origin",
                table: "transactions",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "pos");

            migrationBuilder.AddColumn<string>(
                name: "terminal_reference",
                table: "transactions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_transactions_terminal_reference",
                table: "transactions",
                columns: new[] { "terminal_id", "terminal_reference" },
                unique: true,
                filter: "terminal_reference IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_transactions_terminal_reference",
                table: "transactions");

            migrationBuilder.DropColumn(
                name: "origin",
                table: "transactions");

            migrationBuilder.DropColumn(
                name: "terminal_reference",
                table: "transactions");

            migrationBuilder.AlterColumn<string>(
                name: "register_id",
                table: "transactions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(100)",
                oldMaxLength: 100,
                oldNullable: true);
        }
    }
}
