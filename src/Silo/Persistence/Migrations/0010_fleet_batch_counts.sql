-- A fleet batch keeps counts, not its VINs: each vehicle becomes a row of grain_rows (kind 'vin', key the VIN, body
-- {"model", "region"}), the document counts vehicles by model ("models") and delivered vehicles by model and region
-- ("regions": {model: {region: n}}), and each subscription carries its listed VINs that are vehicles of the batch
-- ("listedHere": {vin: {"model", "region"}}). Adding a vehicle then writes a small document however large the batch.
-- Idempotent: a document already rewritten has no "vins" left.
INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body)
SELECT g.service_id, g.state_name, g.grain_key, 'vin', v.vin,
       jsonb_strip_nulls(jsonb_build_object(
           'model', coalesce(g.payload->'otherModels'->>v.vin, g.payload->>'model'),
           'region', g.payload->'regions'->v.vin))
FROM grain_state g, jsonb_array_elements_text(g.payload->'vins') AS v(vin)
WHERE g.state_name = 'fleetBatch' AND jsonb_typeof(g.payload->'vins') = 'array'
ON CONFLICT DO NOTHING;

UPDATE grain_state g
SET payload = (g.payload - 'vins' - 'regions' - 'otherModels' - 'model') || jsonb_build_object(
    'schemaVersion', 2,
    'models', coalesce(
        (SELECT jsonb_object_agg(m.model, m.n)
         FROM (SELECT r.body->>'model' AS model, count(*) AS n
               FROM grain_rows r
               WHERE r.service_id = g.service_id AND r.state_name = g.state_name AND r.grain_key = g.grain_key AND r.kind = 'vin'
               GROUP BY 1) AS m),
        '{}'::jsonb),
    'regions', coalesce(
        (SELECT jsonb_object_agg(byModel.model, byModel.regions)
         FROM (SELECT c.model, jsonb_object_agg(c.region, c.n) AS regions
               FROM (SELECT r.body->>'model' AS model, r.body->>'region' AS region, count(*) AS n
                     FROM grain_rows r
                     WHERE r.service_id = g.service_id AND r.state_name = g.state_name AND r.grain_key = g.grain_key
                       AND r.kind = 'vin' AND r.body->>'region' IS NOT NULL
                     GROUP BY 1, 2) AS c
               GROUP BY c.model) AS byModel),
        '{}'::jsonb),
    'subscriptions', coalesce(
        (SELECT jsonb_object_agg(s.key, s.value || jsonb_build_object('listedHere', coalesce(
            (SELECT jsonb_object_agg(r.row_key, r.body)
             FROM grain_rows r
             WHERE r.service_id = g.service_id AND r.state_name = g.state_name AND r.grain_key = g.grain_key AND r.kind = 'vin'
               AND r.row_key IN (SELECT jsonb_array_elements_text(coalesce(s.value->'listed', '[]'::jsonb)))),
            '{}'::jsonb)))
         FROM jsonb_each(coalesce(g.payload->'subscriptions', '{}'::jsonb)) AS s),
        '{}'::jsonb))
WHERE g.state_name = 'fleetBatch' AND jsonb_typeof(g.payload->'vins') = 'array';
