-- The outbox sweeper deletes idempotency-key rows past the longest replay window about once an hour; this index
-- finds them without reading the archive, work-order and vehicle rows beside them.
CREATE INDEX IF NOT EXISTS grain_rows_keys_by_age ON grain_rows (written_on) WHERE kind = 'key';
