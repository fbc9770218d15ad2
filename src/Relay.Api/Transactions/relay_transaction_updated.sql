-- The transaction.updated event of a transition, appended by the transition's own statement
-- (RETURNING *, relay_transaction_updated(transactions)): one round trip and one commit per change. The event's data is
-- the transaction as GET returns it (TransactionResponse, same names and order; tests compare the two).
-- PL/pgSQL, whose plans are cached per session (a non-inlined SQL function is planned again for every statement).
CREATE OR REPLACE FUNCTION relay_transaction_updated(t transactions) RETURNS boolean
LANGUAGE plpgsql SET TimeZone = 'UTC' AS $$
BEGIN
    PERFORM relay_append_event(t.account_id, 'transaction.updated', t.updated_at, t.register_id, t.terminal_id, t.id,
        json_build_object(
            'id', t.id, 'registerId', t.register_id, 'terminalId', t.terminal_id,
            'terminalOnline', EXISTS (SELECT 1 FROM terminals WHERE terminals.id = t.terminal_id AND terminals.connection_id IS NOT NULL),
            'type', t.type, 'status', t.status, 'amount', t.amount, 'currency', t.currency,
            'cashOutAmount', t.cash_out_amount, 'tipAmount', t.tip_amount, 'reference', t.reference,
            'originalTransactionId', t.original_transaction_id, 'callbackUrl', t.callback_url,
            'createdAt', t.created_at, 'updatedAt', t.updated_at, 'expiresAt', t.expires_at,
            'deliveredAt', t.delivered_at, 'startedAt', t.started_at, 'cancelRequestedAt', t.cancel_requested_at,
            'completedAt', t.completed_at, 'result', t.result, 'resolution', t.resolution));
    RETURN true;
END $$;
