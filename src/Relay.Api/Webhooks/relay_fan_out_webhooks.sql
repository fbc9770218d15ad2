-- One pending delivery per numbered event (sequence in (p_after, p_last]) and each endpoint of the account that takes
-- its type (an endpoint with no types takes all), and one per transaction.updated event of a transaction created with a
-- callbackUrl. In the numbering's own database transaction, so an event is numbered and its deliveries exist together.
-- An endpoint of format nexo takes only the events that are nexo messages: the end of a message sent to /nexo/async (the
-- final update of the transaction or action its key made from this message's request; the message was kept before it was
-- made), and the terminal's display, print and input requests while a sale system is logged in to it with the matching
-- SaleCapabilities.
CREATE OR REPLACE FUNCTION relay_fan_out_webhooks(p_account_id uuid, p_after bigint, p_last bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
    SELECT gen_random_uuid(), p_account_id, w.id, w.url, n.sequence, e.type, 'pending', 0, e.occurred_at, e.occurred_at
    FROM event_numbers n JOIN events e ON e.id = n.event_id JOIN webhook_endpoints w
      ON w.account_id = p_account_id AND w.enabled AND (cardinality(w.events) = 0 OR e.type = ANY (w.events))
    WHERE n.account_id = p_account_id AND n.sequence > p_after AND n.sequence <= p_last
      AND (w.format = 'relay' OR CASE e.type
        WHEN 'transaction.updated' THEN e.data->'transaction'->>'status' IN ('approved', 'declined', 'cancelled', 'failed', 'expired')
            AND EXISTS (SELECT 1 FROM idempotency_records k JOIN nexo_async_requests r
                          ON r.account_id = k.account_id AND r.key = k.key AND r.request_hash = k.request_hash
                        WHERE k.transaction_id = e.transaction_id)
        WHEN 'terminal_action.updated' THEN e.data->>'status' IN ('succeeded', 'failed', 'cancelled', 'expired')
            AND EXISTS (SELECT 1 FROM terminal_actions a JOIN nexo_async_requests r
                          ON r.account_id = a.account_id AND r.key = a.idempotency_key AND r.request_hash = a.request_hash
                        WHERE a.id = CAST(e.data->>'id' AS uuid))
        WHEN 'terminal.display' THEN EXISTS (SELECT 1 FROM nexo_sessions s
                                             WHERE s.terminal_id = e.terminal_id AND 'CashierDisplay' = ANY (s.sale_capabilities))
        WHEN 'terminal.print' THEN EXISTS (SELECT 1 FROM nexo_sessions s
                                           WHERE s.terminal_id = e.terminal_id AND 'PrinterReceipt' = ANY (s.sale_capabilities))
        WHEN 'terminal.input_requested' THEN EXISTS (SELECT 1 FROM nexo_sessions s
                                                     WHERE s.terminal_id = e.terminal_id AND 'CashierInput' = ANY (s.sale_capabilities))
        ELSE false END);

    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
    SELECT gen_random_uuid(), p_account_id, NULL, t.callback_url, n.sequence, e.type, 'pending', 0, e.occurred_at, e.occurred_at
    FROM event_numbers n JOIN events e ON e.id = n.event_id JOIN transactions t ON t.id = e.transaction_id
    WHERE n.account_id = p_account_id AND n.sequence > p_after AND n.sequence <= p_last
      AND e.type = 'transaction.updated' AND t.callback_url IS NOT NULL;
END $$;
