using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Relay.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class TerminalPresenceFunctions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A terminal's connect or disconnect, with its terminal.online / terminal.offline event, in one call: one round
            // trip and one commit where a transaction, an update, an append and a COMMIT took four (a reconnect storm
            // of 10,000 terminals makes 20,000 of them). Each returns the account when the terminal's presence changed
            // (and so an event was appended), otherwise NULL. The event's data is TerminalPresenceEvent.
            migrationBuilder.Sql("""
                -- Also tells whether the terminal has open transactions (so it needs sending anything on connect).
                CREATE FUNCTION relay_terminal_connected(p_terminal_id uuid, p_connection_id text, p_instance_id uuid, p_at timestamptz,
                    OUT event_account_id uuid, OUT has_open_work boolean)
                LANGUAGE plpgsql SET TimeZone = 'UTC' AS $$
                DECLARE
                    v_account uuid;
                    v_label text;
                    v_was_online boolean;
                BEGIN
                    has_open_work := EXISTS (SELECT 1 FROM transactions WHERE terminal_id = p_terminal_id
                        AND status IN ('pending', 'delivered', 'in_progress', 'cancel_requested'));
                    SELECT account_id, label, connection_id IS NOT NULL INTO v_account, v_label, v_was_online
                    FROM terminals WHERE id = p_terminal_id FOR UPDATE;
                    IF NOT FOUND THEN
                        RETURN;
                    END IF;

                    UPDATE terminals SET connection_id = p_connection_id, instance_id = p_instance_id, last_seen_at = p_at
                    WHERE id = p_terminal_id;
                    IF v_was_online THEN
                        RETURN;
                    END IF;

                    PERFORM relay_append_event(v_account, 'terminal.online', p_at, NULL, p_terminal_id, NULL,
                        json_build_object('terminalId', p_terminal_id, 'label', v_label, 'online', true, 'lastSeenAt', p_at));
                    event_account_id := v_account;
                END $$;

                -- Unless a newer connection took the terminal over meanwhile. p_last_seen: when it was last heard from.
                CREATE FUNCTION relay_terminal_disconnected(p_terminal_id uuid, p_connection_id text, p_last_seen timestamptz, p_at timestamptz)
                RETURNS uuid LANGUAGE plpgsql SET TimeZone = 'UTC' AS $$
                DECLARE
                    v_account uuid;
                    v_label text;
                BEGIN
                    UPDATE terminals SET connection_id = NULL, instance_id = NULL, last_seen_at = p_last_seen
                    WHERE id = p_terminal_id AND connection_id = p_connection_id
                    RETURNING account_id, label INTO v_account, v_label;
                    IF NOT FOUND THEN
                        RETURN NULL;
                    END IF;

                    PERFORM relay_append_event(v_account, 'terminal.offline', p_at, NULL, p_terminal_id, NULL,
                        json_build_object('terminalId', p_terminal_id, 'label', v_label, 'online', false, 'lastSeenAt', p_last_seen));
                    RETURN v_account;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION relay_terminal_connected(uuid, text, uuid, timestamptz);
                DROP FUNCTION relay_terminal_disconnected(uuid, text, timestamptz, timestamptz);
                """);
        }
    }
}
