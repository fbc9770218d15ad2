using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Relay.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class PeerInterests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "relay_interests",
                columns: table => new
                {
                    topic = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_interests", x => new { x.topic, x.instance_id });
                })
                .Annotation("Npgsql:UnloggedTable", true);

            migrationBuilder.CreateIndex(
                name: "ix_relay_interests_instance_id",
                table: "relay_interests",
                column: "instance_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "relay_interests");
        }
    }
}
