using System.Diagnostics;
using Npgsql;

namespace AfterSales.Chaos;

/// <summary>
/// After the load: waits for the durable outboxes to drain, then compares the work-order ledger (acknowledged
/// completions and settles) with what PostgreSQL holds — the vehicles' archives, the stations' orders and the
/// station-month grade roll-ups.
/// </summary>
public static class WorkOrderCheck
{
    public sealed record DrainResult(bool Drained, TimeSpan Took, int PendingGrains, int PendingMessages, IReadOnlyList<string> Pending);

    /// <summary>One station's figures: completions acknowledged, completed orders stored, final 'wo:' sources its grade roll-ups folded in, their base completedWorkOrders.</summary>
    public sealed record StationFigures(string Code, int Acknowledged, int Stored, int RolledUp, long BaseCompleted)
    {
        public bool Off => RolledUp != Stored || BaseCompleted != Stored || Acknowledged > Stored;
    }

    public sealed record Result(
        int Completions,
        int Settles,
        int MissingFromArchive,
        int ArchivedTwice,
        int NotCompletedAtStation,
        int SettlesNotStored,
        int NotRolledUp,
        int RolledUpTwice,
        int StoredWithoutAcknowledgement,
        long ComebacksRolledUp,
        long ComebacksBase,
        int ComebacksRolledUpTwice,
        IReadOnlyList<StationFigures> Stations,
        IReadOnlyList<string> Examples)
    {
        /// <summary>Acknowledged repairs (every third order) and those the monthly quality report never counted or counted twice.</summary>
        public int Repairs { get; init; }

        public int RepairsNotInQualityReport { get; init; }

        public int RepairsInQualityReportTwice { get; init; }

        /// <summary>The quality reports' 'repair:' finals for the chaos fault, and their base count of it: equal when each was counted once.</summary>
        public long QualityFinals { get; init; }

        public long QualityBase { get; init; }

        public bool QualityOff => QualityFinals != QualityBase;

        /// <summary>Acknowledged writes missing: a completion not in its vehicle's archive, not completed at its station or never rolled up (grades, or the quality report for a repair); a settle not stored settled and archived.</summary>
        public int Lost => MissingFromArchive + NotCompletedAtStation + NotRolledUp + SettlesNotStored + RepairsNotInQualityReport;

        /// <summary>Acknowledged completions stored twice: in the archive, or folded into the grade roll-ups or the quality report more than once.</summary>
        public int Doubled => ArchivedTwice + RolledUpTwice + RepairsInQualityReportTwice;

        /// <summary>
        /// A maintenance redone inside the repair-quality guarantee is a comeback the station of the earlier visit owes its
        /// grade (source 'comeback:{id}', final): folded in once, and the base counts exactly those.
        /// </summary>
        public bool ComebacksOff => ComebacksRolledUp != ComebacksBase || ComebacksRolledUpTwice > 0;

        public int StationsOff => Stations.Count(s => s.Off);

        public long RolledUp => Stations.Sum(s => (long)s.RolledUp);

        public long BaseCompleted => Stations.Sum(s => s.BaseCompleted);

        public int Stored => Stations.Sum(s => s.Stored);
    }

    /// <summary>Polls until no grain has a stored outbox with messages in it, or <paramref name="limit"/> has passed.</summary>
    public static async Task<DrainResult> DrainOutboxesAsync(string connectionString, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var lastPrinted = TimeSpan.MinValue;
        var lastCount = -1;
        while (true)
        {
            var pending = new List<(string State, string Key, int Messages)>();
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("""
                    SELECT state_name, grain_key, jsonb_array_length(payload->'outbox') FROM grain_state
                    WHERE payload ? 'outbox' AND jsonb_typeof(payload->'outbox') = 'array' AND payload->'outbox' <> '[]'::jsonb
                    ORDER BY state_name, grain_key
                    """, connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    pending.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
                }
            }

            var messages = pending.Sum(p => p.Messages);
            var list = pending.Select(p => $"{p.State} {p.Key} ({p.Messages})").ToList();
            if (pending.Count == 0)
            {
                Console.WriteLine($"chaos: outboxes drained {clock.Elapsed.TotalSeconds:F1} s after the load");
                return new DrainResult(true, clock.Elapsed, 0, 0, []);
            }

            if (clock.Elapsed >= limit)
            {
                Console.WriteLine($"chaos: outboxes not drained after {clock.Elapsed.TotalSeconds:F1} s: {pending.Count} grain(s) still owe {messages} message(s): {string.Join(", ", list.Take(10))}");
                return new DrainResult(false, clock.Elapsed, pending.Count, messages, list);
            }

            if (pending.Count != lastCount || clock.Elapsed - lastPrinted >= TimeSpan.FromSeconds(5))
            {
                var byState = string.Join(", ", pending.GroupBy(p => p.State).Select(g => $"{g.Key} {g.Count()}"));
                Console.WriteLine($"chaos: {clock.Elapsed.TotalSeconds,5:F1} s after the load, {pending.Count} grain(s) still owe {messages} outbox message(s) ({byState})");
                lastPrinted = clock.Elapsed;
                lastCount = pending.Count;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    public static async Task<Result> CompareAsync(
        string connectionString, IReadOnlyCollection<WorkOrderCompletion> completions, IReadOnlyCollection<WorkOrderSettlement> settlements,
        IReadOnlyList<string> stations, IReadOnlyList<string> vins)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        // (a) The vehicles' archives: rows of grain_rows (kind 'visit', key the visit id = the work-order id), counted by
        // "visitCount" in the document; an archive still in the document ("visits", the layout before migration 0009)
        // is counted too. A vehicle whose count differs from what is stored has an entry twice or lost: its entries
        // count as doubled.
        var archived = new Dictionary<(string Vin, string Id), (int Count, bool Completed)>();
        var inconsistent = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            WITH entries AS (
                SELECT r.grain_key AS vin, r.row_key AS id, r.body->'entry'->'visit'->>'completedAt' AS completed_at
                FROM grain_rows r
                WHERE r.state_name = 'vehicle' AND r.kind = 'visit' AND r.grain_key = ANY(@vins)
                UNION ALL
                SELECT g.grain_key, e->'visit'->>'visitId', e->'visit'->>'completedAt'
                FROM grain_state g, jsonb_array_elements(CASE WHEN jsonb_typeof(g.payload->'visits') = 'array' THEN g.payload->'visits' ELSE '[]'::jsonb END) e
                WHERE g.state_name = 'vehicle' AND g.grain_key = ANY(@vins))
            SELECT e.vin, e.id, e.completed_at IS NOT NULL,
                   coalesce((g.payload->>'visitCount')::int, count(*) OVER (PARTITION BY e.vin)) <> count(*) OVER (PARTITION BY e.vin)
            FROM entries e LEFT JOIN grain_state g ON g.state_name = 'vehicle' AND g.grain_key = e.vin
            """, connection))
        {
            command.Parameters.AddWithValue("vins", vins.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var key = (reader.GetString(0), reader.GetString(1));
                var held = archived.GetValueOrDefault(key);
                archived[key] = (held.Count + 1, held.Completed || reader.GetBoolean(2));
                if (reader.GetBoolean(3))
                {
                    inconsistent.Add(key.Item1);
                }
            }
        }

        // (b) The stations' orders: live ones in the document, closed ones (settled, cancelled) as rows of kind 'workOrder'.
        var orders = new Dictionary<string, (string Station, string State, bool Archived, bool Closed)>(StringComparer.Ordinal);
        var inBoth = new List<string>();
        await using (var command = new NpgsqlCommand("""
            SELECT g.grain_key, o->>'id', o->>'state', coalesce((o->>'archivedOnVehicle')::boolean, false), false
            FROM grain_state g, jsonb_array_elements(CASE WHEN jsonb_typeof(g.payload->'workOrders') = 'array' THEN g.payload->'workOrders' ELSE '[]'::jsonb END) o
            WHERE g.state_name = 'station' AND g.grain_key = ANY(@stations)
            UNION ALL
            SELECT r.grain_key, r.row_key, r.body->>'state', coalesce((r.body->>'archivedOnVehicle')::boolean, false), true
            FROM grain_rows r
            WHERE r.state_name = 'station' AND r.kind = 'workOrder' AND r.grain_key = ANY(@stations)
            """, connection))
        {
            command.Parameters.AddWithValue("stations", stations.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var id = reader.GetString(1);
                var order = (reader.GetString(0), reader.IsDBNull(2) ? "" : reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4));
                if (orders.TryGetValue(id, out var other))
                {
                    inBoth.Add(id);
                    // The closed row is what a settle leaves; a live copy beside it is reported, not preferred.
                    if (other.Closed)
                    {
                        continue;
                    }
                }

                orders[id] = order;
            }
        }

        // (c) The grade roll-ups (counterRollup 'station:{code}:{yyyy-MM}'): each final source folded in is a row of
        // kind 'final'; a completed order's is 'wo:{id}'. Their base sums the completedWorkOrders of those sources.
        var rolledUp = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var rolledUpByStation = stations.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        var comebacks = new List<string>();
        await using (var command = new NpgsqlCommand("""
            SELECT grain_key, row_key FROM grain_rows
            WHERE state_name = 'counterRollup' AND kind = 'final' AND (row_key LIKE 'wo:%' OR row_key LIKE 'comeback:%')
              AND starts_with(grain_key, 'station:')
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var scope = reader.GetString(0);
                if (StationOf(scope) is not { } code || !rolledUpByStation.ContainsKey(code))
                {
                    continue;
                }

                if (reader.GetString(1).StartsWith("comeback:", StringComparison.Ordinal))
                {
                    comebacks.Add(reader.GetString(1));
                    continue;
                }

                rolledUpByStation[code]++;
                var id = reader.GetString(1)["wo:".Length..];
                (rolledUp.TryGetValue(id, out var scopes) ? scopes : rolledUp[id] = []).Add(scope);
            }
        }

        var baseByStation = stations.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        var comebacksBase = 0L;
        var openSources = new List<string>();
        await using (var command = new NpgsqlCommand("""
            SELECT grain_key, coalesce((payload->'base'->>'completedWorkOrders')::bigint, 0), coalesce((payload->'base'->>'comebacks')::bigint, 0),
                   ARRAY(SELECT k FROM jsonb_object_keys(CASE WHEN jsonb_typeof(payload->'sources') = 'object' THEN payload->'sources' ELSE '{}'::jsonb END) k
                         WHERE k LIKE 'wo:%')
            FROM grain_state WHERE state_name = 'counterRollup' AND starts_with(grain_key, 'station:')
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                if (StationOf(reader.GetString(0)) is { } code && baseByStation.ContainsKey(code))
                {
                    baseByStation[code] += reader.GetInt64(1);
                    comebacksBase += reader.GetInt64(2);
                    openSources.AddRange(reader.GetFieldValue<string[]>(3).Select(s => $"{reader.GetString(0)} holds {s} as an open source, not folded in"));
                }
            }
        }

        // (d) The monthly quality reports (counterRollup 'quality:{yyyy-MM}'): a completed repair's visit is the final
        // source 'repair:{visit id}' (the visit id is the work order's), and the base counts its fault under 'f:{code}'.
        // Only the months: the same visit is also a final source of its week's report ('quality:week:{yyyy-Www}').
        var qualityFinals = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT row_key FROM grain_rows
            WHERE state_name = 'counterRollup' AND kind = 'final' AND grain_key ~ '^quality:[0-9]{4}-[0-9]{2}$' AND row_key LIKE 'repair:%'
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var id = reader.GetString(0)["repair:".Length..];
                qualityFinals[id] = qualityFinals.GetValueOrDefault(id) + 1;
            }
        }

        var qualityBase = 0L;
        await using (var command = new NpgsqlCommand("""
            SELECT coalesce(sum((payload->'base'->>@fault)::bigint), 0)::bigint FROM grain_state
            WHERE state_name = 'counterRollup' AND grain_key ~ '^quality:[0-9]{4}-[0-9]{2}$'
            """, connection))
        {
            command.Parameters.AddWithValue("fault", "f:" + WorkOrderLoad.RepairFault);
            qualityBase = (long)(await command.ExecuteScalarAsync() ?? 0L);
        }

        var examples = new List<string>();
        var acknowledged = completions.GroupBy(c => c.OrderId).Select(g => g.First()).ToList();
        var repairs = acknowledged.Where(c => c.Repair).ToList();
        var notInQuality = repairs.Where(c => !qualityFinals.ContainsKey(c.OrderId)).ToList();
        var inQualityTwice = repairs.Where(c => qualityFinals.GetValueOrDefault(c.OrderId) > 1).ToList();
        examples.AddRange(notInQuality.Take(5).Select(c => $"lost: repair {c.OrderId} (vehicle {c.Vin}) completed at {c.At.TotalSeconds:F1} s, not in any month's quality report"));
        examples.AddRange(inQualityTwice.Take(5).Select(c => $"doubled: repair {c.OrderId} is a final source of {qualityFinals[c.OrderId]} quality reports"));
        // Every repair of the run is an order of its stations (acknowledged or not): the finals of those, against the base.
        var chaosFinals = qualityFinals.Where(f => orders.ContainsKey(f.Key)).Sum(f => (long)f.Value);
        if (chaosFinals != qualityBase)
        {
            examples.Add($"quality reports: {chaosFinals} 'repair:' finals folded in, base {WorkOrderLoad.RepairFault} count {qualityBase}");
        }
        var acknowledgedIds = acknowledged.Select(c => c.OrderId).ToHashSet(StringComparer.Ordinal);
        var (missing, twice, notCompleted, notRolledUp, rolledTwice) = (0, 0, 0, 0, 0);
        foreach (var completion in acknowledged)
        {
            var entry = archived.GetValueOrDefault((completion.Vin, completion.OrderId));
            if (entry.Count == 0 || !entry.Completed)
            {
                missing++;
                examples.Add(entry.Count == 0
                    ? $"lost: work order {completion.OrderId} (station {completion.Station}) completed at {completion.At.TotalSeconds:F1} s, not in vehicle {completion.Vin}'s archive"
                    : $"lost: work order {completion.OrderId}: vehicle {completion.Vin}'s archive holds its visit without a completion");
            }
            else if (entry.Count > 1 || inconsistent.Contains(completion.Vin))
            {
                twice++;
                examples.Add($"doubled: work order {completion.OrderId}: vehicle {completion.Vin}'s archive holds it {entry.Count} time(s)"
                    + (inconsistent.Contains(completion.Vin) ? " and its visitCount differs from its stored visits" : ""));
            }

            if (!orders.TryGetValue(completion.OrderId, out var order) || order.State is not ("completed" or "settled"))
            {
                notCompleted++;
                examples.Add($"lost: work order {completion.OrderId}: station {completion.Station} holds it as {(order.State is { Length: > 0 } s ? s : "nothing")}");
            }

            var scopes = rolledUp.GetValueOrDefault(completion.OrderId) ?? [];
            if (scopes.Count == 0)
            {
                notRolledUp++;
                examples.Add($"lost: work order {completion.OrderId}: no grade roll-up of station {completion.Station} folded in wo:{completion.OrderId}");
            }
            else if (scopes.Count > 1)
            {
                rolledTwice++;
                examples.Add($"doubled: work order {completion.OrderId}: folded into {string.Join(", ", scopes)}");
            }
        }

        var settlesNotStored = 0;
        foreach (var settle in settlements.GroupBy(s => s.OrderId).Select(g => g.First()))
        {
            if (!orders.TryGetValue(settle.OrderId, out var order) || order.State != "settled" || !order.Archived)
            {
                settlesNotStored++;
                examples.Add($"lost: settle of {settle.OrderId} acknowledged at {settle.At.TotalSeconds:F1} s; station {settle.Station} holds it as "
                    + (order.Station is null ? "nothing" : $"{order.State}, archivedOnVehicle {order.Archived}"));
            }
        }

        var storedCompleted = orders.Where(o => o.Value.State is "completed" or "settled").ToList();
        var figures = stations.Select(code => new StationFigures(
            code,
            acknowledged.Count(c => c.Station == code),
            storedCompleted.Count(o => o.Value.Station == code),
            rolledUpByStation[code],
            baseByStation[code])).ToList();
        foreach (var station in figures.Where(f => f.Off))
        {
            examples.Add($"station {station.Code}: {station.RolledUp} 'wo:' finals in its grade roll-ups, base completedWorkOrders {station.BaseCompleted}, {station.Stored} completed orders stored ({station.Acknowledged} acknowledged)");
        }

        // Orders completed (in storage) but not rolled up, or rolled up without being completed: the stations that are off, by order.
        examples.AddRange(storedCompleted.Where(o => !rolledUp.ContainsKey(o.Key) && !acknowledgedIds.Contains(o.Key)).Take(5)
            .Select(o => $"work order {o.Key} (not acknowledged) is {o.Value.State} at {o.Value.Station} but was not rolled up"));
        examples.AddRange(rolledUp.Keys.Where(id => storedCompleted.All(o => o.Key != id)).Take(5)
            .Select(id => $"wo:{id} was rolled up but no completed order {id} is stored"));
        examples.AddRange(inBoth.Take(5).Select(id => $"work order {id} is both live in its station's document and a closed row"));
        examples.AddRange(openSources.Take(5));
        var comebacksTwice = comebacks.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        examples.AddRange(comebacksTwice.Take(5).Select(c => $"doubled: {c} folded into more than one grade roll-up"));
        if (comebacks.Count != comebacksBase)
        {
            examples.Add($"grade roll-ups of the chaos stations: {comebacks.Count} 'comeback:' finals folded in, base comebacks {comebacksBase}");
        }

        var unacknowledged = storedCompleted.Count(o => !acknowledgedIds.Contains(o.Key));
        return new Result(acknowledged.Count, settlements.Select(s => s.OrderId).Distinct().Count(), missing, twice, notCompleted, settlesNotStored,
            notRolledUp, rolledTwice, unacknowledged, comebacks.Count, comebacksBase, comebacksTwice.Count, figures, examples)
        {
            Repairs = repairs.Count,
            RepairsNotInQualityReport = notInQuality.Count,
            RepairsInQualityReportTwice = inQualityTwice.Count,
            QualityFinals = chaosFinals,
            QualityBase = qualityBase,
        };
    }

    /// <summary>'station:{code}:{yyyy-MM}' → code.</summary>
    private static string? StationOf(string scope)
    {
        var last = scope.LastIndexOf(':');
        return scope.StartsWith("station:", StringComparison.Ordinal) && last > "station:".Length ? scope["station:".Length..last] : null;
    }
}
