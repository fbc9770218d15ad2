-- A hint to the other relay instances (LISTEN relay), sent after a change has committed, in a transaction of its own
-- that does not wait for the disk: PostgreSQL holds one global lock from a notifying commit's start to its end, fsync
-- included, so a notification inside a durable commit queues every other notifying commit behind its flush (PeerNotify).
CREATE OR REPLACE FUNCTION relay_notify(p_payload text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- A hint: losing it in a crash costs nothing (waiters re-read, pending work is re-sent).
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_notify('relay', p_payload);
END $$;
