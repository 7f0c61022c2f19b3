-- Cluster membership: one version row per cluster (deployment) and one row per silo incarnation.
-- Orleans reads result columns by name (DeploymentId, Address, ...), so every query aliases them.
CREATE TABLE IF NOT EXISTS membership_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    changed_at    timestamptz(3) NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS membership_silo
(
    deployment_id   varchar(150) NOT NULL REFERENCES membership_version (deployment_id),
    address         varchar(45)  NOT NULL,
    port            integer      NOT NULL,
    generation      integer      NOT NULL,
    silo_name       varchar(150) NOT NULL,
    host_name       varchar(150) NOT NULL,
    status          integer      NOT NULL,
    proxy_port      integer      NULL,
    suspect_times   text         NULL,
    start_time      timestamptz(3) NOT NULL,
    i_am_alive_time timestamptz(3) NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpdateIAmAlivetimeKey', $q$
UPDATE membership_silo
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$q$),

-- Returns 1 when this call created the cluster's version row, 0 when it already existed.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1)
SELECT count(*)::int FROM created;
$q$),

-- Inserts a silo row and bumps the cluster version, both or neither: the version row is locked and
-- must still hold the version the caller read (optimistic concurrency of the membership protocol).
('InsertMembershipKey', $q$
WITH expected AS (
    SELECT deployment_id FROM membership_version
    WHERE deployment_id = @DeploymentId AND version = @Version
    FOR UPDATE),
inserted AS (
    INSERT INTO membership_silo (deployment_id, address, port, generation, silo_name, host_name, status,
                                 proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
           @ProxyPort, @StartTime, @IAmAliveTime
    FROM expected
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
    RETURNING deployment_id),
bumped AS (
    UPDATE membership_version v SET version = v.version + 1, changed_at = now()
    FROM inserted i WHERE v.deployment_id = i.deployment_id
    RETURNING v.version)
SELECT count(*)::int FROM bumped;
$q$),

('UpdateMembershipKey', $q$
WITH expected AS (
    SELECT deployment_id FROM membership_version
    WHERE deployment_id = @DeploymentId AND version = @Version
    FOR UPDATE),
updated AS (
    UPDATE membership_silo s
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM expected e
    WHERE s.deployment_id = e.deployment_id AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
    RETURNING s.deployment_id),
bumped AS (
    UPDATE membership_version v SET version = v.version + 1, changed_at = now()
    FROM (SELECT DISTINCT deployment_id FROM updated) u WHERE v.deployment_id = u.deployment_id
    RETURNING v.version)
SELECT count(*)::int FROM bumped;
$q$),

('MembershipReadRowKey', $q$
SELECT v.deployment_id AS DeploymentId, s.address AS Address, s.port AS Port, s.generation AS Generation,
       s.silo_name AS SiloName, s.host_name AS HostName, s.status AS Status, s.proxy_port AS ProxyPort,
       s.suspect_times AS SuspectTimes, s.start_time AS StartTime, s.i_am_alive_time AS IAmAliveTime,
       v.version AS Version
FROM membership_version v
LEFT JOIN membership_silo s
       ON s.deployment_id = v.deployment_id AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
SELECT v.deployment_id AS DeploymentId, s.address AS Address, s.port AS Port, s.generation AS Generation,
       s.silo_name AS SiloName, s.host_name AS HostName, s.status AS Status, s.proxy_port AS ProxyPort,
       s.suspect_times AS SuspectTimes, s.start_time AS StartTime, s.i_am_alive_time AS IAmAliveTime,
       v.version AS Version
FROM membership_version v
LEFT JOIN membership_silo s ON s.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$q$),

('DeleteMembershipTableEntriesKey', $q$
DELETE FROM membership_silo WHERE deployment_id = @DeploymentId;
DELETE FROM membership_version WHERE deployment_id = @DeploymentId;
$q$),

('GatewaysQueryKey', $q$
SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
FROM membership_silo
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
$q$),

-- Removes rows of silos that stopped heartbeating before the cut-off and are not Active (3).
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM membership_silo
WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
