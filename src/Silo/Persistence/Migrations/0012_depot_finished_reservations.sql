-- A depot's document kept its finished (shipped or released) reservations, the newest 200 of them, forgetting older
-- ones, and the ids of every reservation whose parts arrived ("arrived", never fewer); a keyed reservation request
-- was recognised by the key kept on its reservation ("requestKey", "fingerprint") only while the book still had it.
-- Now a finished reservation is a row of grain_rows (kind 'reservation', key its id, body {reservation, arrived}),
-- "arrived" names live reservations only, and a reservation request's key is a row (kind 'key', 24 h) like every
-- other depot request's. Idempotent: a rewritten document has no finished reservation and no key on a reservation.
-- (A document this misses is still read: the grain moves finished reservations out, and drops "arrived" ids of
-- reservations no longer in the book, at its next write.)

-- Keys of keyed reservations, live or finished, kept for the window from now (the document did not say when they
-- came); the fingerprint is in the form the grain checks a reservation request against.
INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body)
SELECT g.service_id, g.state_name, g.grain_key, 'key', r->>'requestKey',
       jsonb_build_object('key', r->>'requestKey', 'fingerprint', r->'fingerprint', 'at', to_jsonb(now()),
                          'created', true, 'reservationId', r->>'id')
FROM grain_state g, jsonb_array_elements(g.payload->'book'->'reservations') AS r
WHERE g.state_name = 'depot' AND jsonb_typeof(g.payload->'book'->'reservations') = 'array'
  AND r ? 'requestKey' AND r ? 'fingerprint'
ON CONFLICT DO NOTHING;

INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body)
SELECT g.service_id, g.state_name, g.grain_key, 'reservation', r->>'id',
       jsonb_build_object('reservation', r - 'requestKey' - 'fingerprint',
                          'arrived', coalesce(jsonb_typeof(g.payload->'arrived') = 'array' AND g.payload->'arrived' ? (r->>'id'), false))
FROM grain_state g, jsonb_array_elements(g.payload->'book'->'reservations') AS r
WHERE g.state_name = 'depot' AND jsonb_typeof(g.payload->'book'->'reservations') = 'array'
  AND r->>'state' IN ('shipped', 'released')
ON CONFLICT DO NOTHING;

UPDATE grain_state g
SET payload = jsonb_set(
        jsonb_set(g.payload, '{book,reservations}',
            coalesce((SELECT jsonb_agg(r - 'requestKey' - 'fingerprint' ORDER BY ord)
                      FROM jsonb_array_elements(g.payload->'book'->'reservations') WITH ORDINALITY AS t(r, ord)
                      WHERE r->>'state' NOT IN ('shipped', 'released')), '[]'::jsonb)),
        '{arrived}',
        coalesce((SELECT jsonb_agg(a ORDER BY a)
                  FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(g.payload->'arrived') = 'array' THEN g.payload->'arrived' ELSE '[]'::jsonb END) AS a
                  WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(g.payload->'book'->'reservations') AS r
                                WHERE r->>'id' = a AND r->>'state' NOT IN ('shipped', 'released'))), '[]'::jsonb))
WHERE g.state_name = 'depot' AND jsonb_typeof(g.payload->'book'->'reservations') = 'array'
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(g.payload->'book'->'reservations') AS r
              WHERE r->>'state' IN ('shipped', 'released') OR r ? 'requestKey' OR r ? 'fingerprint');
