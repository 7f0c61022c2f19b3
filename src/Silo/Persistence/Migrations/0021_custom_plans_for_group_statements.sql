-- The group write and the group read join the arrays a call passes in to grain_state on its key. PL/pgSQL caches
-- each statement's plan per connection and, after five calls, keeps a generic plan built from the statistics of that
-- moment. A silo connects to a new or freshly loaded database while grain_state is still nearly empty, so that plan
-- expected a handful of rows per service: it scanned every state of the service once and matched the group's items
-- in memory, rather than looking each item up by key. The connection kept the plan while the table grew, and the
-- scan grew with it: on a 3,000-vehicle database a group write spent 6-8 ms in that statement instead of 0.2 ms
-- (auto_explain: 4,000 index entries read to update 3 rows), and a bulk load slowed to a third.
-- Planning each call afresh sees the table's current size and looks every item up by its key. The planning costs
-- about a millisecond of the database's time per call, which a group shares among its writes.
ALTER FUNCTION write_grain_states_split(text, text[], text[], bigint[], bigint[], integer[], bytea[], text[], text[])
    SET plan_cache_mode = force_custom_plan;

ALTER FUNCTION read_grain_states(text, text[], text[], bigint[], bigint[])
    SET plan_cache_mode = force_custom_plan;
