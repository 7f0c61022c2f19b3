-- A station's document keeps only its live work orders; settled and cancelled ones move to grain_rows (kind
-- 'workOrder', key the order id), and "workOrdersOpened" counts every order opened (ids {code}-{n} keep counting).
-- Idempotent: a document already rewritten has "workOrdersOpened" and no closed order left.
INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body)
SELECT g.service_id, g.state_name, g.grain_key, 'workOrder', o->>'id', o
FROM grain_state g, jsonb_array_elements(g.payload->'workOrders') AS o
WHERE g.state_name = 'station' AND jsonb_typeof(g.payload->'workOrders') = 'array'
  AND o->>'state' IN ('settled', 'cancelled')
ON CONFLICT DO NOTHING;

UPDATE grain_state g
SET payload = jsonb_set(
        jsonb_set(g.payload, '{workOrdersOpened}',
            to_jsonb(greatest(coalesce((g.payload->>'workOrdersOpened')::int, 0), jsonb_array_length(g.payload->'workOrders')))),
        '{workOrders}',
        coalesce((SELECT jsonb_agg(o ORDER BY ord) FROM jsonb_array_elements(g.payload->'workOrders') WITH ORDINALITY AS t(o, ord)
                  WHERE o->>'state' NOT IN ('settled', 'cancelled')), '[]'::jsonb))
WHERE g.state_name = 'station' AND jsonb_typeof(g.payload->'workOrders') = 'array'
  AND NOT g.payload ? 'workOrdersOpened';
