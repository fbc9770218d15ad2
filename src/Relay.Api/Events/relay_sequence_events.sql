-- Numbers the account's committed, unnumbered events in the order they were appended, gap-free, under the row lock of
-- the account's event_sequences row (so two callers never interleave), hands each numbered event to the webhook
-- fan-out, and returns how many it numbered.
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

    PERFORM relay_fan_out_webhooks(p_account_id, v_last, v_last + v_count);

    IF v_count > 0 THEN
        UPDATE event_sequences SET last_sequence = v_last + v_count WHERE account_id = p_account_id;
    END IF;
    RETURN v_count;
END $$;
