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

-- A vehicle's read brings its archive along in the same round trip: the rows are attached to the document as
-- "visits" (in archive order) when it has any. The state class reads that property but never writes it.
UPDATE orleansquery SET querytext = $q$
SELECT convert_to(
         (CASE WHEN g.state_name = 'vehicle' AND coalesce((g.payload->>'visitCount')::int, 0) > 0
               THEN g.payload || jsonb_build_object('visits', coalesce(
                   (SELECT jsonb_agg(r.body->'entry' ORDER BY (r.body->>'seq')::int)
                    FROM grain_rows r
                    WHERE r.service_id = g.service_id AND r.state_name = g.state_name AND r.grain_key = g.grain_key AND r.kind = 'visit'),
                   '[]'::jsonb))
               ELSE g.payload END)::text, 'UTF8') AS PayloadBinary,
       g.version AS Version
FROM grain_state g
WHERE g.service_id = @ServiceId AND g.state_name = @GrainTypeString
  AND g.grain_key = coalesce(@GrainIdExtensionString, '') AND g.grain_id_n0 = @GrainIdN0 AND g.grain_id_n1 = @GrainIdN1;
$q$
WHERE querykey = 'ReadFromStorageKey';
