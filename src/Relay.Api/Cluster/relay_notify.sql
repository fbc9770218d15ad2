-- A hint to the relay instances it is for (PeerNotify, PeerHint), each told on its own channel, relay_<its id in 32 hex
-- digits> (PeerListener): those waiting on p_topic (relay_interests), or the one holding p_terminal_id; with neither,
-- or a terminal the database shows held by no instance (an instance may still hold it: one shown offline while it was
-- silent, until it records it again), every instance, on the channel relay. Never the sender, which has told its own
-- waiters.
CREATE OR REPLACE FUNCTION relay_send_hint(p_payload text, p_from uuid, p_topic text, p_terminal_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_topic IS NOT NULL THEN
        PERFORM pg_notify('relay_' || replace(instance_id::text, '-', ''), p_payload)
        FROM relay_interests WHERE topic = p_topic AND instance_id <> p_from;
    ELSIF p_terminal_id IS NOT NULL THEN
        PERFORM CASE WHEN instance_id IS NULL THEN pg_notify('relay', p_payload)
                     ELSE pg_notify('relay_' || replace(instance_id::text, '-', ''), p_payload) END
        FROM terminals WHERE id = p_terminal_id AND instance_id IS DISTINCT FROM p_from;
    ELSE
        PERFORM pg_notify('relay', p_payload);
    END IF;
END $$;

-- The same, sent after a change has committed, in a transaction of its own that does not wait for the disk: PostgreSQL
-- holds one global lock from a notifying commit's start to its end, fsync included, so a notification inside a durable
-- commit queues every other notifying commit behind its flush (PeerNotify).
CREATE OR REPLACE FUNCTION relay_notify(p_payload text, p_from uuid, p_topic text, p_terminal_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- A hint: losing it in a crash costs nothing (waiters re-read, pending work is re-sent).
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM relay_send_hint(p_payload, p_from, p_topic, p_terminal_id);
END $$;
