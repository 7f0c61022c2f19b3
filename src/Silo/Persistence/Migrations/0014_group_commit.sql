-- Group commit: a silo writes the states its grains save at about the same time with one call of this function, so
-- one round trip and one commit carry them all. Each write keeps write_grain_state's contract (its version check,
-- its rows, its absent rows), and runs in its own subtransaction (the EXCEPTION block): a write that fails, a
-- duplicate row (23505 on grain_rows_pkey) or a trigger refusing it, is rolled back alone and reported on its line,
-- while the others commit. A version conflict is a line with no new version and no error. Only a failure of the
-- statement itself (a lost connection, a cancelled or timed-out statement, which OTHERS does not catch) fails
-- every write of the call, and then none of them is stored.
-- The caller keeps a call at or under 64 writes: more subtransactions than that in one transaction overflow each
-- backend's cache of them and slow every other session's snapshots.
CREATE OR REPLACE FUNCTION write_grain_states(
    p_service_id   text,
    p_state_names  text[],
    p_grain_keys   text[],
    p_grain_ids_n0 bigint[],
    p_grain_ids_n1 bigint[],
    p_versions     integer[],
    p_payloads     bytea[])
RETURNS TABLE (item integer, new_version integer, error_code text, error_message text)
LANGUAGE plpgsql
AS $fn$
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_state_names, 1), 0) LOOP
        item := i;
        new_version := NULL;
        error_code := NULL;
        error_message := NULL;
        BEGIN
            new_version := write_grain_state(p_service_id, p_state_names[i], p_grain_keys[i], p_grain_ids_n0[i],
                                             p_grain_ids_n1[i], p_versions[i], p_payloads[i]);
        EXCEPTION WHEN OTHERS THEN
            error_code := SQLSTATE;
            error_message := SQLERRM;
        END;
        RETURN NEXT;
    END LOOP;
END
$fn$;
