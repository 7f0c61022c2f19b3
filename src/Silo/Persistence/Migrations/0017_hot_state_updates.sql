-- Updates of grain_state become HOT (heap-only) where they can. Until now no update ever was (pg_stat_user_tables:
-- 0 of 514,909 in a bulk-loaded database): the outbox sweeper's partial index (0007) keyed on modified_on and filtered
-- on payload, and both change with every write, so every write of a grain added an entry to each index and left the old
-- one behind. A grain written often (a production batch while its vehicles arrive, a roll-up, a station) then walked
-- a growing run of dead index entries on every version-checked write until autovacuum came by: registrations into a
-- batch that had just taken 2,000 vehicles ran at 0.63 of the rate into a new batch.
-- Now whether a state owes messages is a stored generated column, and the sweeper's index is on that flag alone: a
-- write that leaves it as it was touches no indexed column, and with room left on each page (fillfactor 80) the
-- new version stays beside the old one, with no index entry of its own.
-- The column's addition rewrites the table once (in the new fillfactor).
ALTER TABLE grain_state SET (fillfactor = 80);

ALTER TABLE grain_state ADD COLUMN IF NOT EXISTS outbox_pending boolean
    GENERATED ALWAYS AS (coalesce(payload ? 'outbox' AND payload->'outbox' <> '[]'::jsonb, false)) STORED;

CREATE INDEX IF NOT EXISTS grain_state_outbox_pending ON grain_state (outbox_pending) WHERE outbox_pending;

DROP INDEX IF EXISTS grain_state_pending_outbox;
