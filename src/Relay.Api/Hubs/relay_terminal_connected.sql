-- A terminal's connection (on p_instance_id) takes it over: the account, when the terminal came online (so a
-- terminal.online event was appended), else NULL; and whether it has open transactions or terminal actions (so it needs
-- sending anything).
CREATE OR REPLACE FUNCTION relay_terminal_connected(p_terminal_id uuid, p_connection_id text, p_instance_id uuid, p_at timestamptz,
    OUT event_account_id uuid, OUT has_open_work boolean)
LANGUAGE plpgsql SET TimeZone = 'UTC' AS $$
DECLARE
    v_account uuid;
    v_label text;
    v_was_online boolean;
BEGIN
    has_open_work := EXISTS (SELECT 1 FROM transactions WHERE open_terminal_id = p_terminal_id)
        OR EXISTS (SELECT 1 FROM terminal_actions WHERE terminal_id = p_terminal_id AND status IN ('pending', 'delivered'));
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
