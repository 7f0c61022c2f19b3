-- A month's parts plan kept its idempotency keys in its document ("keys": {key: {fingerprint, at}}), one more with
-- every keyed submission and never fewer; the parts catalogue kept its keys of the last 24 h there ("requests"). Both
-- now keep them as rows of grain_rows (kind 'key'), as every other grain has since 0007: each key for the policy's
-- window (24 h) however many there are, written in the same statement as the change it produced.

-- A plan key's row carries the plan it answered with, which the old document did not keep: the plan submitted at the
-- key's instant when exactly one plan of the month was (its station has not replaced it since); else none, and a retry
-- with that key is refused (409) as it was before, never applied again.
INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body, written_on)
SELECT g.service_id, g.state_name, g.grain_key, 'key', k.key,
       jsonb_build_object('key', k.key, 'fingerprint', k.value->'fingerprint', 'at', k.value->'at')
           || coalesce((SELECT CASE WHEN count(*) = 1 THEN jsonb_build_object('plan', (array_agg(p.value))[1]) END
                        FROM jsonb_each(g.payload->'plans') AS p
                        WHERE jsonb_typeof(g.payload->'plans') = 'object' AND p.value->>'submittedAt' = k.value->>'at'), '{}'::jsonb),
       coalesce((k.value->>'at')::timestamptz, now())
FROM grain_state g, jsonb_each(g.payload->'keys') AS k
WHERE g.state_name = 'partsPlan' AND jsonb_typeof(g.payload->'keys') = 'object'
ON CONFLICT DO NOTHING;

UPDATE grain_state SET payload = payload - 'keys'
WHERE state_name = 'partsPlan' AND payload ? 'keys';

INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body, written_on)
SELECT g.service_id, g.state_name, g.grain_key, 'key', r->>'key', r, coalesce((r->>'at')::timestamptz, now())
FROM grain_state g, jsonb_array_elements(g.payload->'requests') AS r
WHERE g.state_name = 'partsCatalogue' AND jsonb_typeof(g.payload->'requests') = 'array' AND r ? 'key'
ON CONFLICT DO NOTHING;

UPDATE grain_state SET payload = payload - 'requests'
WHERE state_name = 'partsCatalogue' AND payload ? 'requests';
