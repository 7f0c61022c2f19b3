-- GET /api/stations/{code}/complaints lists the complaints assigned to a station (the complaint document's
-- "stationCode"). The station is a stored generated column (null for every state but a complaint's) with a partial
-- index on it, not an expression index on payload: an index reading payload would make every update of grain_state
-- non-HOT again (payload changes with every write; see 0017), while this column changes only if the complaint's
-- station does. The column's addition rewrites the table once.
ALTER TABLE grain_state ADD COLUMN IF NOT EXISTS complaint_station text
    GENERATED ALWAYS AS (CASE WHEN state_name = 'complaint' THEN payload->>'stationCode' END) STORED;

CREATE INDEX IF NOT EXISTS grain_state_complaints_by_station ON grain_state (service_id, complaint_station)
    WHERE complaint_station IS NOT NULL;
