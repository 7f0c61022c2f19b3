-- Grain state, one row per (state name, grain key). The payload is the state as JSON (jsonb), so an
-- operator can read it with SQL, e.g.
--   SELECT grain_key AS vin, payload->>'odometerKm' FROM grain_state WHERE state_name = 'vehicle';
-- The provider passes the state name as GrainTypeString: state names are unique across grain classes.
-- version is the optimistic-concurrency ETag: a write must name the version it read.
CREATE TABLE IF NOT EXISTS grain_state
(
    service_id  varchar(150) NOT NULL,
    state_name  varchar(512) NOT NULL,
    grain_key   text         NOT NULL,   -- the string key (VIN, station code); '' for numeric keys
    grain_id_n0 bigint       NOT NULL,   -- numeric / GUID keys
    grain_id_n1 bigint       NOT NULL,
    version     integer      NOT NULL,
    payload     jsonb        NULL,
    modified_on timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, grain_key, grain_id_n0, grain_id_n1)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
SELECT convert_to(payload::text, 'UTF8') AS PayloadBinary, version AS Version
FROM grain_state
WHERE service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_key = coalesce(@GrainIdExtensionString, '') AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1;
$q$),

-- Update when the caller holds the current version, insert when it read nothing; otherwise no row
-- comes back and Orleans raises InconsistentStateException (nothing is written).
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE grain_state
    SET payload = convert_from(@PayloadBinary, 'UTF8')::jsonb, version = version + 1, modified_on = now()
    WHERE service_id = @ServiceId AND state_name = @GrainTypeString
      AND grain_key = coalesce(@GrainIdExtensionString, '') AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND version = @GrainStateVersion
    RETURNING version),
inserted AS (
    INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload)
    SELECT @ServiceId, @GrainTypeString, coalesce(@GrainIdExtensionString, ''), @GrainIdN0, @GrainIdN1, 1,
           convert_from(@PayloadBinary, 'UTF8')::jsonb
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT version FROM inserted;
$q$),

('ClearStorageKey', $q$
UPDATE grain_state
SET payload = NULL, version = version + 1, modified_on = now()
WHERE service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_key = coalesce(@GrainIdExtensionString, '') AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;
$q$),

('DeleteStorageKey', $q$
DELETE FROM grain_state
WHERE service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_key = coalesce(@GrainIdExtensionString, '') AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
