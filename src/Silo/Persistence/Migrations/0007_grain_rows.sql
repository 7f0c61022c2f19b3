-- Append-only rows a grain writes in the same statement (so the same transaction) as its state: facts that grow with
-- history and must not live in the grain's document, such as the final sources a counter roll-up has folded in.
-- A row is (kind, row_key) within its grain and is never updated; inserting an existing one fails the whole write,
-- which is how a grain learns, atomically, that a fact was already recorded (SQLSTATE 23505 on grain_rows_pkey).
CREATE TABLE IF NOT EXISTS grain_rows
(
    service_id  varchar(150) NOT NULL,
    state_name  varchar(512) NOT NULL,
    grain_key   text         NOT NULL,
    kind        text         NOT NULL,
    row_key     text         NOT NULL,
    body        jsonb        NULL,
    written_on  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT grain_rows_pkey PRIMARY KEY (service_id, state_name, grain_key, kind, row_key)
);

-- The state document may carry "newRows…" arrays ("newRows", "newRowsWorkOrders", …) of {"kind", "key", "body",
-- "unique"}. They go to grain_rows and are left out of the stored document; the version check and the insert are
-- one statement, so both land or neither does. A row marked unique must be new (else the write fails, see above);
-- any other row replaces one with its kind and key (a key reused after its window, a work order that closed). It may also
-- carry "absentRows": [{"kind", "key"}], rows that must not exist for the write to land (a roll-up taking a first
-- report from a source checks that the source was not folded in already); one that exists fails the write the same
-- way a duplicate does.
-- Also finds the grains whose stored outbox is not empty (the outbox sweeper's query).
CREATE INDEX IF NOT EXISTS grain_state_pending_outbox ON grain_state (modified_on)
    WHERE payload ? 'outbox' AND payload->'outbox' <> '[]'::jsonb;

CREATE OR REPLACE FUNCTION write_grain_state(
    p_service_id  text,
    p_state_name  text,
    p_grain_key   text,
    p_grain_id_n0 bigint,
    p_grain_id_n1 bigint,
    p_version     integer,
    p_payload     bytea)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    new_version integer;
    doc         jsonb := convert_from(p_payload, 'UTF8')::jsonb;
    new_rows    jsonb;
    absent_rows jsonb;
    row_set     text;
BEGIN
    FOR row_set IN SELECT k FROM jsonb_object_keys(doc) AS k WHERE k LIKE 'newRows%' LOOP
        IF jsonb_typeof(doc->row_set) = 'array' THEN
            new_rows := coalesce(new_rows, '[]'::jsonb) || (doc->row_set);
        END IF;
        doc := doc - row_set;
    END LOOP;

    IF doc ? 'absentRows' THEN
        absent_rows := doc->'absentRows';
        doc := doc - 'absentRows';
    END IF;

    IF p_version IS NULL THEN
        INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload)
        VALUES (p_service_id, p_state_name, coalesce(p_grain_key, ''), p_grain_id_n0, p_grain_id_n1, 1, doc)
        ON CONFLICT DO NOTHING
        RETURNING version INTO new_version;
    ELSE
        UPDATE grain_state
        SET payload = doc, version = version + 1, modified_on = now()
        WHERE service_id = p_service_id AND state_name = p_state_name
          AND grain_key = coalesce(p_grain_key, '') AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
          AND version = p_version
        RETURNING version INTO new_version;
    END IF;

    IF new_version IS NOT NULL AND jsonb_typeof(new_rows) = 'array' AND jsonb_array_length(new_rows) > 0 THEN
        INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body)
        SELECT p_service_id, p_state_name, coalesce(p_grain_key, ''), r->>'kind', r->>'key', r->'body'
        FROM jsonb_array_elements(new_rows) AS r
        WHERE (r->>'unique')::boolean IS TRUE;

        INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body)
        SELECT p_service_id, p_state_name, coalesce(p_grain_key, ''), r->>'kind', r->>'key', r->'body'
        FROM jsonb_array_elements(new_rows) AS r
        WHERE (r->>'unique')::boolean IS NOT TRUE
        ON CONFLICT ON CONSTRAINT grain_rows_pkey DO UPDATE SET body = EXCLUDED.body, written_on = now();
    END IF;

    IF new_version IS NOT NULL AND jsonb_typeof(absent_rows) = 'array' AND EXISTS (
        SELECT 1 FROM grain_rows g JOIN jsonb_array_elements(absent_rows) AS r
          ON g.kind = r->>'kind' AND g.row_key = r->>'key'
        WHERE g.service_id = p_service_id AND g.state_name = p_state_name AND g.grain_key = coalesce(p_grain_key, '')) THEN
        RAISE EXCEPTION 'duplicate key value violates unique constraint "grain_rows_pkey" (a row that must be absent exists)'
            USING ERRCODE = 'unique_violation';
    END IF;

    RETURN new_version;
END
$fn$;

-- Idempotency keys move out of the documents into grain_rows (kind 'key'), each kept for the policy's window
-- (24 h) however many there are; the grains read their keys of the window when they first need them.
INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key, body, written_on)
SELECT g.service_id, g.state_name, g.grain_key, 'key', r->>'key', r, coalesce((r->>'at')::timestamptz, now())
FROM grain_state g, jsonb_array_elements(g.payload->'requests') AS r
WHERE g.state_name IN ('vehicle', 'station', 'complaint', 'depot') AND jsonb_typeof(g.payload->'requests') = 'array'
  AND r ? 'key'
ON CONFLICT DO NOTHING;

UPDATE grain_state SET payload = payload - 'requests'
WHERE state_name IN ('vehicle', 'station', 'complaint', 'depot') AND payload ? 'requests';

-- Roll-ups used to remember their last 1,024 final sources in the document; they now remember every one in
-- grain_rows (kind 'final'), so a retried final report is recognised however late it comes.
INSERT INTO grain_rows (service_id, state_name, grain_key, kind, row_key)
SELECT g.service_id, g.state_name, g.grain_key, 'final', s.source
FROM grain_state g, jsonb_array_elements_text(g.payload->'finalSources') AS s(source)
WHERE g.state_name = 'counterRollup' AND g.payload ? 'finalSources'
ON CONFLICT DO NOTHING;

UPDATE grain_state SET payload = payload - 'finalSources'
WHERE state_name = 'counterRollup' AND payload ? 'finalSources';
