-- Numbers the account's committed, unnumbered events in the order they were appended, gap-free, under the row lock of
-- the account's event_sequences row (so two callers never interleave), hands each numbered event to the webhook
-- fan-out, and returns how many it numbered. The events themselves are not written again: each gets a narrow
-- event_numbers row, taken from the unnumbered_events queue.
CREATE OR REPLACE FUNCTION relay_sequence_events(p_account_id uuid) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_last bigint;
    v_count integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM unnumbered_events WHERE account_id = p_account_id) THEN
        RETURN 0;
    END IF;

    INSERT INTO event_sequences AS s (account_id, last_sequence) VALUES (p_account_id, 0)
    ON CONFLICT (account_id) DO UPDATE SET last_sequence = s.last_sequence
    RETURNING s.last_sequence INTO v_last;

    -- This statement sees what committed while it waited for the lock, including another caller's numbers (and it
    -- does not see the queue rows that caller took).
    WITH taken AS (DELETE FROM unnumbered_events WHERE account_id = p_account_id RETURNING event_id)
    INSERT INTO event_numbers (account_id, sequence, event_id)
    SELECT p_account_id, v_last + row_number() OVER (ORDER BY event_id), event_id FROM taken;
    GET DIAGNOSTICS v_count = ROW_COUNT;

    PERFORM relay_fan_out_webhooks(p_account_id, v_last, v_last + v_count);

    IF v_count > 0 THEN
        UPDATE event_sequences SET last_sequence = v_last + v_count WHERE account_id = p_account_id;
    END IF;
    RETURN v_count;
END $$;
