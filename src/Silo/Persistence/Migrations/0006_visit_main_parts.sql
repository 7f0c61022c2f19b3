-- A visit's main parts become a list decided by the parts catalogue: "mainPartReplaced" (one name or number, stated
-- by whoever sent the visit) becomes "mainPartsReplaced" (the catalogue's main parts the appraisal replaced). Stored
-- vehicle documents are rewritten so every visit in the archive, and every visit in a remembered reply, carries the
-- list ([] when it named none). Idempotent: a document already rewritten has no "mainPartReplaced" left.
CREATE OR REPLACE FUNCTION pg_temp.with_main_parts(visit jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE
        WHEN visit IS NULL OR jsonb_typeof(visit) <> 'object' THEN visit
        WHEN visit ? 'mainPartsReplaced' AND NOT visit ? 'mainPartReplaced' THEN visit
        ELSE (visit - 'mainPartReplaced') || jsonb_build_object('mainPartsReplaced',
            CASE WHEN jsonb_typeof(visit->'mainPartReplaced') = 'string' AND btrim(visit->>'mainPartReplaced') <> ''
                 THEN jsonb_build_array(btrim(visit->>'mainPartReplaced'))
                 ELSE '[]'::jsonb END)
    END
$fn$;

UPDATE grain_state g
SET payload = jsonb_set(g.payload, '{visits}', (
    SELECT coalesce(jsonb_agg(jsonb_set(e, '{visit}', pg_temp.with_main_parts(e->'visit')) ORDER BY ord), '[]'::jsonb)
    FROM jsonb_array_elements(g.payload->'visits') WITH ORDINALITY AS t(e, ord)))
WHERE g.state_name = 'vehicle'
  AND jsonb_typeof(g.payload->'visits') = 'array'
  AND jsonb_path_exists(g.payload, '$.visits[*].visit ? (!exists(@.mainPartsReplaced) || exists(@.mainPartReplaced))');

UPDATE grain_state g
SET payload = jsonb_set(g.payload, '{requests}', (
    SELECT coalesce(jsonb_agg(
        CASE WHEN jsonb_typeof(e->'record') = 'object' AND e->'record' ? 'visit'
             THEN jsonb_set(e, '{record,visit}', pg_temp.with_main_parts(e->'record'->'visit'))
             ELSE e END ORDER BY ord), '[]'::jsonb)
    FROM jsonb_array_elements(g.payload->'requests') WITH ORDINALITY AS t(e, ord)))
WHERE g.state_name = 'vehicle'
  AND jsonb_typeof(g.payload->'requests') = 'array'
  AND jsonb_path_exists(g.payload, '$.requests[*].record.visit ? (!exists(@.mainPartsReplaced) || exists(@.mainPartReplaced))');
