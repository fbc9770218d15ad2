-- An event, unnumbered: written once, with its place in the numbering queue; relay_sequence_events numbers it once it
-- has committed, in commit order (EventSequencer).
CREATE OR REPLACE FUNCTION relay_append_event(
    p_account_id uuid, p_type text, p_occurred_at timestamptz, p_register_id text, p_terminal_id uuid,
    p_transaction_id uuid, p_data json) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    INSERT INTO events (account_id, type, occurred_at, register_id, terminal_id, transaction_id, data)
    VALUES (p_account_id, p_type, p_occurred_at, p_register_id, p_terminal_id, p_transaction_id, p_data)
    RETURNING id INTO v_id;
    INSERT INTO unnumbered_events (account_id, event_id) VALUES (p_account_id, v_id);
END $$;
