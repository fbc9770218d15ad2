-- The transaction.updated event of a transition, appended by the transition's own statement
-- (RETURNING relay_transaction_updated(transactions)): one round trip and one commit per change. The event stores the
-- row and whether its terminal was connected, and the statement returns the same (TransactionSnapshot); C# renders
-- both as the transaction GET returns. PL/pgSQL, whose plans are cached per session.
-- It returned boolean before: a return type cannot be replaced, only dropped first.
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'relay_transaction_updated' AND prorettype = 'boolean'::regtype) THEN
        DROP FUNCTION relay_transaction_updated(transactions);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION relay_transaction_updated(t transactions) RETURNS json
LANGUAGE plpgsql SET TimeZone = 'UTC' AS $$
DECLARE
    v_snapshot json;
BEGIN
    v_snapshot := json_build_object('transaction', t, 'terminal_online',
        EXISTS (SELECT 1 FROM terminals WHERE terminals.id = t.terminal_id AND terminals.connection_id IS NOT NULL));
    PERFORM relay_append_event(t.account_id, 'transaction.updated', t.updated_at, t.register_id, t.terminal_id, t.id, v_snapshot);
    RETURN v_snapshot;
END $$;
