-- Group reads: the states a silo's grains load at about the same time (activations under load, a bulk import, a
-- cold start) come from one call, one round trip. Each line is what ReadFromStorageKey (0003, 0009) returns for one
-- grain: the document, with a vehicle's archive rows attached as "visits", and its version; no row, no line.
-- Keep the two in step: a change to how a state is read goes into both.
CREATE OR REPLACE FUNCTION read_grain_states(
    p_service_id   text,
    p_state_names  text[],
    p_grain_keys   text[],
    p_grain_ids_n0 bigint[],
    p_grain_ids_n1 bigint[])
RETURNS TABLE (item integer, payload bytea, version integer)
LANGUAGE plpgsql
STABLE
AS $fn$
BEGIN
    RETURN QUERY
    SELECT k.item::integer,
           convert_to(
             (CASE WHEN g.state_name = 'vehicle' AND coalesce((g.payload->>'visitCount')::int, 0) > 0
                   THEN g.payload || jsonb_build_object('visits', coalesce(
                       (SELECT jsonb_agg(r.body->'entry' ORDER BY (r.body->>'seq')::int)
                        FROM grain_rows r
                        WHERE r.service_id = g.service_id AND r.state_name = g.state_name AND r.grain_key = g.grain_key AND r.kind = 'visit'),
                       '[]'::jsonb))
                   ELSE g.payload END)::text, 'UTF8'),
           g.version
    FROM unnest(p_state_names, p_grain_keys, p_grain_ids_n0, p_grain_ids_n1) WITH ORDINALITY AS k(state_name, grain_key, n0, n1, item)
    JOIN grain_state g
      ON g.service_id = p_service_id AND g.state_name = k.state_name AND g.grain_key = coalesce(k.grain_key, '')
     AND g.grain_id_n0 = k.n0 AND g.grain_id_n1 = k.n1;
END
$fn$;
