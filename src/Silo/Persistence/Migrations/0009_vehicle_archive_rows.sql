-- A vehicle's repair archive leaves its document: each entry becomes a row of grain_rows (kind 'visit', key the
-- visit id, body {"seq": its place in the archive, "entry": the entry}), and "visitCount" says how many to read on
-- activation. A reading or a transfer then writes a small document instead of the whole archive.
-- Idempotent: a document already rewritten has no "visits" left.
INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body)
SELECT g.service_id, g.state_name, g.grain_key, 'visit', e->'visit'->>'visitId', jsonb_build_object('seq', t.ord - 1, 'entry', e)
FROM grain_state g, jsonb_array_elements(g.payload->'visits') WITH ORDINALITY AS t(e, ord)
WHERE g.state_name = 'vehicle' AND jsonb_typeof(g.payload->'visits') = 'array'
ON CONFLICT DO NOTHING;

UPDATE grain_state
SET payload = jsonb_set(payload - 'visits', '{visitCount}', to_jsonb(jsonb_array_length(payload->'visits')))
WHERE state_name = 'vehicle' AND jsonb_typeof(payload->'visits') = 'array';
