using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Relay.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class NotifyAfterCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Notifications leave the durable commits: PostgreSQL holds one global lock from a notifying commit's start to
            // its end, fsync included, so every final transition and every numbering batch queued behind the others'
            // disk flushes. The relay now sends them after the commit, in a transaction of its own that does not wait
            // for a flush (relay_notify; see PeerNotify).
            migrationBuilder.Sql("""
                CREATE FUNCTION relay_notify(p_payload text) RETURNS void
                LANGUAGE plpgsql AS $$
                BEGIN
                    -- A hint: losing it in a crash costs nothing (waiters re-read, pending work is re-sent).
                    PERFORM set_config('synchronous_commit', 'off', true);
                    PERFORM pg_notify('relay', p_payload);
                END $$;

                CREATE OR REPLACE FUNCTION relay_append_event(
                    p_account_id uuid, p_type text, p_occurred_at timestamptz, p_register_id text, p_terminal_id uuid,
                    p_transaction_id uuid, p_data json) RETURNS void
                LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO events (account_id, type, occurred_at, register_id, terminal_id, transaction_id, data)
                    VALUES (p_account_id, p_type, p_occurred_at, p_register_id, p_terminal_id, p_transaction_id, p_data);
                END $$;

                CREATE OR REPLACE FUNCTION relay_sequence_events(p_account_id uuid) RETURNS integer
                LANGUAGE plpgsql AS $$
                DECLARE
                    v_last bigint;
                    v_count integer;
                    v_id bigint;
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM events WHERE account_id = p_account_id AND sequence IS NULL) THEN
                        RETURN 0;
                    END IF;

                    INSERT INTO event_sequences AS s (account_id, last_sequence) VALUES (p_account_id, 0)
                    ON CONFLICT (account_id) DO UPDATE SET last_sequence = s.last_sequence
                    RETURNING s.last_sequence INTO v_last;

                    -- Each statement sees what committed while it waited for the lock, including another caller's numbers.
                    -- Row by row through the primary key: a join would let the planner scan the whole table.
                    v_count := 0;
                    FOR v_id IN SELECT id FROM events WHERE account_id = p_account_id AND sequence IS NULL ORDER BY id LOOP
                        v_count := v_count + 1;
                        UPDATE events SET sequence = v_last + v_count WHERE id = v_id;
                    END LOOP;

                    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
                    SELECT gen_random_uuid(), p_account_id, w.id, w.url, e.sequence, e.type, 'pending', 0, e.occurred_at, e.occurred_at
                    FROM events e JOIN webhook_endpoints w
                      ON w.account_id = p_account_id AND w.enabled AND (cardinality(w.events) = 0 OR e.type = ANY (w.events))
                    WHERE e.account_id = p_account_id AND e.sequence > v_last AND e.sequence <= v_last + v_count;

                    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
                    SELECT gen_random_uuid(), p_account_id, NULL, t.callback_url, e.sequence, e.type, 'pending', 0, e.occurred_at, e.occurred_at
                    FROM events e JOIN transactions t ON t.id = e.transaction_id
                    WHERE e.account_id = p_account_id AND e.sequence > v_last AND e.sequence <= v_last + v_count
                      AND e.type = 'transaction.updated' AND t.callback_url IS NOT NULL;

                    IF v_count > 0 THEN
                        UPDATE event_sequences SET last_sequence = v_last + v_count WHERE account_id = p_account_id;
                    END IF;
                    RETURN v_count;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION relay_notify(text);

                CREATE OR REPLACE FUNCTION relay_append_event(
                    p_account_id uuid, p_type text, p_occurred_at timestamptz, p_register_id text, p_terminal_id uuid,
                    p_transaction_id uuid, p_data json) RETURNS void
                LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO events (account_id, type, occurred_at, register_id, terminal_id, transaction_id, data)
                    VALUES (p_account_id, p_type, p_occurred_at, p_register_id, p_terminal_id, p_transaction_id, p_data);
                    -- Requests waiting (Prefer: wait) on any relay instance hear when the transaction ends, after the
                    -- commit (LISTEN relay; ids only). Only final states: every notifying commit takes a global lock.
                    IF p_type = 'transaction.updated' AND p_data->>'status' IN ('approved', 'declined', 'cancelled', 'failed', 'expired') THEN
                        PERFORM pg_notify('relay', 't:' || p_transaction_id);
                    END IF;
                END $$;

                -- Numbers the account's committed, unnumbered events in insertion order after its last sequence number,
                -- queues their webhook deliveries (and a transaction.updated's to the transaction's callbackUrl), and
                -- tells every relay instance. The counter row's lock lets one caller at a time do it for an account.
                CREATE OR REPLACE FUNCTION relay_sequence_events(p_account_id uuid) RETURNS integer
                LANGUAGE plpgsql AS $$
                DECLARE
                    v_last bigint;
                    v_count integer;
                    v_id bigint;
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM events WHERE account_id = p_account_id AND sequence IS NULL) THEN
                        RETURN 0;
                    END IF;

                    INSERT INTO event_sequences AS s (account_id, last_sequence) VALUES (p_account_id, 0)
                    ON CONFLICT (account_id) DO UPDATE SET last_sequence = s.last_sequence
                    RETURNING s.last_sequence INTO v_last;

                    -- Each statement sees what committed while it waited for the lock, including another caller's numbers.
                    -- Row by row through the primary key: a join would let the planner scan the whole table.
                    v_count := 0;
                    FOR v_id IN SELECT id FROM events WHERE account_id = p_account_id AND sequence IS NULL ORDER BY id LOOP
                        v_count := v_count + 1;
                        UPDATE events SET sequence = v_last + v_count WHERE id = v_id;
                    END LOOP;

                    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
                    SELECT gen_random_uuid(), p_account_id, w.id, w.url, e.sequence, e.type, 'pending', 0, e.occurred_at, e.occurred_at
                    FROM events e JOIN webhook_endpoints w
                      ON w.account_id = p_account_id AND w.enabled AND (cardinality(w.events) = 0 OR e.type = ANY (w.events))
                    WHERE e.account_id = p_account_id AND e.sequence > v_last AND e.sequence <= v_last + v_count;

                    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
                    SELECT gen_random_uuid(), p_account_id, NULL, t.callback_url, e.sequence, e.type, 'pending', 0, e.occurred_at, e.occurred_at
                    FROM events e JOIN transactions t ON t.id = e.transaction_id
                    WHERE e.account_id = p_account_id AND e.sequence > v_last AND e.sequence <= v_last + v_count
                      AND e.type = 'transaction.updated' AND t.callback_url IS NOT NULL;

                    IF v_count > 0 THEN
                        UPDATE event_sequences SET last_sequence = v_last + v_count WHERE account_id = p_account_id;
                        PERFORM pg_notify('relay', 'e:' || p_account_id);
                    END IF;
                    RETURN v_count;
                END $$;
                """);
        }
    }
}
