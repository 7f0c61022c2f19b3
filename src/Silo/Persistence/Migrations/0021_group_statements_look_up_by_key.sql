-- The group write and the group read joined the arrays a call passes in to grain_state on its key. PL/pgSQL caches
-- each statement's plan per connection and, after five calls, keeps a generic plan built from the statistics of that
-- moment. A silo connects to a new or freshly loaded database while grain_state is still nearly empty, so that plan
-- expected a handful of rows per service: it scanned every state of the service and matched the group's items in
-- memory instead of looking each one up by key. The connection kept the plan while the table grew, and the scan grew
-- with it: on a 3,000-vehicle database a group write spent 6-8 ms in that statement instead of 0.2 ms (auto_explain:
-- 4,000 index entries read to update 3 rows), and the co-hosted bench's bulk load fell to a third.
-- Planning every call afresh (plan_cache_mode) fixed the plan but cost about a millisecond of planning per call,
-- which made small groups (an odometer reading, say) slower than before. Instead, each key is now looked up by a
-- statement that can only be planned as a primary-key lookup: the write updates its items one key at a time, the
-- read fences each lookup in a LATERAL subquery. Everything else is as in 0015 and 0016.

CREATE OR REPLACE FUNCTION write_grain_states_split(
    p_service_id   text,
    p_state_names  text[],
    p_grain_keys   text[],
    p_grain_ids_n0 bigint[],
    p_grain_ids_n1 bigint[],
    p_versions     integer[],
    p_payloads     bytea[],
    p_new_rows     text[],
    p_absent_rows  text[])
RETURNS TABLE (item integer, new_version integer, error_code text, error_message text)
LANGUAGE plpgsql
AS $fn$
#variable_conflict use_column
DECLARE
    n        integer := coalesce(array_length(p_state_names, 1), 0);
    versions integer[];
    updated  integer[];
    landed   integer;
BEGIN
    IF n > 0 AND n = (SELECT count(DISTINCT (u.s, coalesce(u.k, ''), u.a, u.b))
                      FROM unnest(p_state_names, p_grain_keys, p_grain_ids_n0, p_grain_ids_n1) AS u(s, k, a, b)) THEN
        BEGIN
            -- The version-checked updates, one key at a time: each is a primary-key lookup whatever the statistics
            -- say (the set-based UPDATE this replaces could be planned as a scan of the whole service).
            updated := array_fill(NULL::integer, ARRAY[n]);
            FOR j IN 1 .. n LOOP
                IF p_versions[j] IS NOT NULL THEN
                    landed := NULL;
                    UPDATE grain_state g
                    SET payload = convert_from(p_payloads[j], 'UTF8')::jsonb, version = g.version + 1, modified_on = now()
                    WHERE g.service_id = p_service_id AND g.state_name = p_state_names[j]
                      AND g.grain_key = coalesce(p_grain_keys[j], '') AND g.grain_id_n0 = p_grain_ids_n0[j]
                      AND g.grain_id_n1 = p_grain_ids_n1[j] AND g.version = p_versions[j]
                    RETURNING g.version INTO landed;
                    updated[j] := landed;
                END IF;
            END LOOP;

            WITH items AS (
                SELECT u.i::integer AS i, u.s, coalesce(u.k, '') AS k, u.a, u.b, u.v, u.uv,
                       CASE WHEN u.v IS NULL THEN convert_from(u.p, 'UTF8')::jsonb END AS doc, u.r::jsonb AS new_rows
                FROM unnest(p_state_names, p_grain_keys, p_grain_ids_n0, p_grain_ids_n1, p_versions, p_payloads, p_new_rows, updated)
                     WITH ORDINALITY AS u(s, k, a, b, v, p, r, uv, i)),
            inserted AS (
                INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload)
                SELECT p_service_id, i.s, i.k, i.a, i.b, 1, i.doc FROM items i WHERE i.v IS NULL
                ON CONFLICT DO NOTHING
                RETURNING grain_state.state_name, grain_state.grain_key, grain_state.grain_id_n0, grain_state.grain_id_n1, grain_state.version),
            written AS (
                SELECT i.i, i.s, i.k, i.new_rows, coalesce(ins.version, i.uv) AS written_version
                FROM items i
                LEFT JOIN inserted ins ON ins.state_name = i.s AND ins.grain_key = i.k AND ins.grain_id_n0 = i.a AND ins.grain_id_n1 = i.b),
            unique_rows AS (
                INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body)
                SELECT p_service_id, w.s, w.k, r->>'kind', r->>'key', r->'body'
                FROM written w CROSS JOIN LATERAL jsonb_array_elements(w.new_rows) AS r
                WHERE w.written_version IS NOT NULL AND jsonb_typeof(w.new_rows) = 'array' AND (r->>'unique')::boolean IS TRUE
                RETURNING 1),
            replaced_rows AS (
                INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body)
                SELECT p_service_id, w.s, w.k, r->>'kind', r->>'key', r->'body'
                FROM written w CROSS JOIN LATERAL jsonb_array_elements(w.new_rows) AS r
                WHERE w.written_version IS NOT NULL AND jsonb_typeof(w.new_rows) = 'array' AND (r->>'unique')::boolean IS NOT TRUE
                ON CONFLICT ON CONSTRAINT grain_rows_pkey DO UPDATE SET body = EXCLUDED.body, written_on = now()
                RETURNING 1)
            -- Data-modifying CTEs run to completion whether or not this reads them.
            SELECT array_agg(w.written_version ORDER BY w.i) INTO versions FROM written w;

            IF EXISTS (
                SELECT 1
                FROM unnest(p_state_names, p_grain_keys, p_absent_rows, versions) AS u(s, k, absent, written_version)
                CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(u.absent::jsonb) = 'array' THEN u.absent::jsonb ELSE '[]'::jsonb END) AS r
                JOIN grain_rows g ON g.service_id = p_service_id AND g.state_name = u.s AND g.grain_key = coalesce(u.k, '')
                                 AND g.kind = r->>'kind' AND g.row_key = r->>'key'
                WHERE u.written_version IS NOT NULL AND u.absent IS NOT NULL) THEN
                RAISE EXCEPTION 'a row that must be absent exists' USING ERRCODE = 'unique_violation';
            END IF;
        EXCEPTION WHEN OTHERS THEN
            -- Something in the group fails: none of this attempt is kept, and each write goes alone below.
            versions := NULL;
        END;

        IF versions IS NOT NULL THEN
            RETURN QUERY SELECT u.i::integer, u.v, NULL::text, NULL::text FROM unnest(versions) WITH ORDINALITY AS u(v, i);
            RETURN;
        END IF;
    END IF;

    FOR i IN 1 .. n LOOP
        item := i;
        new_version := NULL;
        error_code := NULL;
        error_message := NULL;
        BEGIN
            new_version := write_grain_state_rows(p_service_id, p_state_names[i], p_grain_keys[i], p_grain_ids_n0[i],
                                                  p_grain_ids_n1[i], p_versions[i], convert_from(p_payloads[i], 'UTF8')::jsonb,
                                                  p_new_rows[i]::jsonb, p_absent_rows[i]::jsonb);
        EXCEPTION WHEN OTHERS THEN
            error_code := SQLSTATE;
            error_message := SQLERRM;
        END;
        RETURN NEXT;
    END LOOP;
END
$fn$;

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
    -- Each key looked up alone (OFFSET 0 keeps the subquery from being flattened into a join the planner could
    -- choose to run as a scan of the whole service, 0021).
    CROSS JOIN LATERAL (
        SELECT s.service_id, s.state_name, s.grain_key, s.payload, s.version
        FROM grain_state s
        WHERE s.service_id = p_service_id AND s.state_name = k.state_name AND s.grain_key = coalesce(k.grain_key, '')
          AND s.grain_id_n0 = k.n0 AND s.grain_id_n1 = k.n1
        OFFSET 0) g;
END
$fn$;
