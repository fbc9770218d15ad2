-- A terminal's connection closed: offline, last seen at p_last_seen, unless a newer connection took the terminal over
-- meanwhile. The account, when a terminal.offline event was appended, else NULL.
CREATE OR REPLACE FUNCTION relay_terminal_disconnected(p_terminal_id uuid, p_connection_id text, p_last_seen timestamptz, p_at timestamptz)
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
