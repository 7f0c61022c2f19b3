-- Who read whose personal data (PIPL): one row per full read of a vehicle owner's or a complaint customer's name and
-- phone, written before the data is returned. Append-only: the triggers refuse updates, deletes and truncation.
CREATE TABLE IF NOT EXISTS personal_data_reads (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id   text        NOT NULL,
    read_at      timestamptz NOT NULL,
    actor        text        NOT NULL,
    subject_kind text        NOT NULL,
    subject_id   text        NOT NULL,
    route        text        NOT NULL
);

CREATE INDEX IF NOT EXISTS personal_data_reads_by_subject ON personal_data_reads (service_id, subject_kind, subject_id, id);
CREATE INDEX IF NOT EXISTS personal_data_reads_by_actor ON personal_data_reads (service_id, actor, id);

CREATE OR REPLACE FUNCTION personal_data_reads_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'personal_data_reads is append-only: a recorded read is never changed or removed';
END
$$;

DROP TRIGGER IF EXISTS personal_data_reads_append_only ON personal_data_reads;
CREATE TRIGGER personal_data_reads_append_only BEFORE UPDATE OR DELETE ON personal_data_reads
    FOR EACH ROW EXECUTE FUNCTION personal_data_reads_append_only();

DROP TRIGGER IF EXISTS personal_data_reads_not_truncated ON personal_data_reads;
CREATE TRIGGER personal_data_reads_not_truncated BEFORE TRUNCATE ON personal_data_reads
    FOR EACH STATEMENT EXECUTE FUNCTION personal_data_reads_append_only();
