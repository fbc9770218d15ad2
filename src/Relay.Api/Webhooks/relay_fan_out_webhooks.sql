-- One pending delivery per numbered event (sequence in (p_after, p_last]) and each endpoint of the account that takes
-- its type (an endpoint with no types takes all), and one per transaction.updated event of a transaction created with a
-- callbackUrl. In the numbering's own database transaction, so an event is numbered and its deliveries exist together.
CREATE OR REPLACE FUNCTION relay_fan_out_webhooks(p_account_id uuid, p_after bigint, p_last bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
    SELECT gen_random_uuid(), p_account_id, w.id, w.url, n.sequence, e.type, 'pending', 0, e.occurred_at, e.occurred_at
    FROM event_numbers n JOIN events e ON e.id = n.event_id JOIN webhook_endpoints w
      ON w.account_id = p_account_id AND w.enabled AND (cardinality(w.events) = 0 OR e.type = ANY (w.events))
    WHERE n.account_id = p_account_id AND n.sequence > p_after AND n.sequence <= p_last;

    INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, event_sequence, event_type, status, attempt_count, next_attempt_at, created_at)
    SELECT gen_random_uuid(), p_account_id, NULL, t.callback_url, n.sequence, e.type, 'pending', 0, e.occurred_at, e.occurred_at
    FROM event_numbers n JOIN events e ON e.id = n.event_id JOIN transactions t ON t.id = e.transaction_id
    WHERE n.account_id = p_account_id AND n.sequence > p_after AND n.sequence <= p_last
      AND e.type = 'transaction.updated' AND t.callback_url IS NOT NULL;
END $$;
