-- The Orleans ADO.NET providers read every statement they run from this table
-- (they query it by the fixed name OrleansQuery with columns QueryKey, QueryText).
-- Later migrations upsert their queries here, so a query can be improved by a new migration.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);
