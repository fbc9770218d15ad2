-- Connects and disconnects in the order they happened, in one call and one commit (a reconnect storm of thousands of
-- terminals would otherwise make two commits per terminal). p_online[i]: a connect (on p_instance_id) or a disconnect,
-- last seen at p_last_seen[i]; p_at[i]: when it happened. One row per change, in order: the account whose event was
-- appended (NULL if none), and for a connect whether the terminal has open transactions. Callers pass the changes
-- sorted by terminal (each terminal's own in order), so two instances' calls lock terminals in the same order.
CREATE OR REPLACE FUNCTION relay_terminal_presence(p_terminal_ids uuid[], p_connection_ids text[], p_online boolean[],
    p_last_seen timestamptz[], p_at timestamptz[], p_instance_id uuid)
RETURNS TABLE (event_account_id uuid, has_open_work boolean) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_terminal_ids, 1), 0) LOOP
        IF p_online[i] THEN
            SELECT c.event_account_id, c.has_open_work INTO event_account_id, has_open_work
            FROM relay_terminal_connected(p_terminal_ids[i], p_connection_ids[i], p_instance_id, p_at[i]) c;
        ELSE
            event_account_id := relay_terminal_disconnected(p_terminal_ids[i], p_connection_ids[i], p_last_seen[i], p_at[i]);
            has_open_work := false;
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;
