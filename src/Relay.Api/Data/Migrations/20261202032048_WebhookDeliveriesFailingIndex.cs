using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Relay.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class WebhookDeliveriesFailingIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_failing",
                table: "webhook_deliveries",
                columns: new[] { "endpoint_id", "created_at" },
                filter: "status = 'failed' OR (status = 'pending' AND attempt_count > 0)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_webhook_deliveries_failing",
                table: "webhook_deliveries");
        }
    }
}
