using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Relay.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Instances : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "instance_id",
                table: "terminals",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "relay_instances",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_instances", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_terminals_instance_id",
                table: "terminals",
                column: "instance_id",
                filter: "instance_id IS NOT NULL");

            // relay_append_event also notifies the other relay instances (see ARCHITECTURE.md, rule 5).
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION relay_append_event(
                    p_account_id uuid, p_type text, p_occurred_at timestamptz, p_register_id text, p_terminal_id uuid,
                    p_transaction_id uuid, p_data json, p_callback_url text) RETURNS bigint
                LANGUAGE plpgsql AS $$
                DECLARE
                    seq bigint;
                BEGIN
                    INSERT INTO event_sequences AS s (account_id, last_sequence) VALUES (p_account_id, 1)
                    ON CONFLICT (account_id) DO UPDATE SET last_sequence = s.last_sequence + 1
                    RETURNING s.last_sequence INTO seq;

                    INSERT INTO events (account_id, sequence, type, occurred_at, register_id, terminal_id, transaction_id, data)
                    VALUES (p_account_id, seq, p_type, p_occurred_at, p_register_id, p_terminal_id, p_transaction_id, p_data);

                    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
                    SELECT gen_random_uuid(), p_account_id, w.id, w.url, seq, p_type, 'pending', 0, p_occurred_at, p_occurred_at
                    FROM webhook_endpoints w
                    WHERE w.account_id = p_account_id AND w.enabled AND (cardinality(w.events) = 0 OR p_type = ANY (w.events));

                    IF p_callback_url IS NOT NULL THEN
                        INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
                        VALUES (gen_random_uuid(), p_account_id, NULL, p_callback_url, seq, p_type, 'pending', 0, p_occurred_at, p_occurred_at);
                    END IF;

                    -- Tells every relay instance (LISTEN relay) after the commit; identical notifications in one
                    -- transaction are sent once. Payloads carry ids only: listeners read the truth from the tables.
                    PERFORM pg_notify('relay', 'e:' || p_account_id);
                    IF p_type = 'transaction.updated' THEN
                        PERFORM pg_notify('relay', 't:' || p_transaction_id);
                    END IF;

                    RETURN seq;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION relay_append_event(
                    p_account_id uuid, p_type text, p_occurred_at timestamptz, p_register_id text, p_terminal_id uuid,
                    p_transaction_id uuid, p_data json, p_callback_url text) RETURNS bigint
                LANGUAGE plpgsql AS $$
                DECLARE
                    seq bigint;
                BEGIN
                    INSERT INTO event_sequences AS s (account_id, last_sequence) VALUES (p_account_id, 1)
                    ON CONFLICT (account_id) DO UPDATE SET last_sequence = s.last_sequence + 1
                    RETURNING s.last_sequence INTO seq;

                    INSERT INTO events (account_id, sequence, type, occurred_at, register_id, terminal_id, transaction_id, data)
                    VALUES (p_account_id, seq, p_type, p_occurred_at, p_register_id, p_terminal_id, p_transaction_id, p_data);

                    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
                    SELECT gen_random_uuid(), p_account_id, w.id, w.url, seq, p_type, 'pending', 0, p_occurred_at, p_occurred_at
                    FROM webhook_endpoints w
                    WHERE w.account_id = p_account_id AND w.enabled AND (cardinality(w.events) = 0 OR p_type = ANY (w.events));

                    IF p_callback_url IS NOT NULL THEN
                        INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
                        VALUES (gen_random_uuid(), p_account_id, NULL, p_callback_url, seq, p_type, 'pending', 0, p_occurred_at, p_occurred_at);
                    END IF;

                    RETURN seq;
                END $$;
                """);

            migrationBuilder.DropTable(
                name: "relay_instances");

            migrationBuilder.DropIndex(
                name: "ix_terminals_instance_id",
                table: "terminals");

            migrationBuilder.DropColumn(
                name: "instance_id",
                table: "terminals");
        }
    }
}
