using System.Globalization;
using System.Text;
using AfterSales.Chaos;

// Chaos run: N silo processes and the API host over the PostgreSQL membership, a write load with retries
// and idempotency keys (visits, stock receipts, work orders from open to settled), one silo killed with SIGKILL
// every --kill-every seconds and restarted; afterwards (once the outboxes have drained) every acknowledged write
// must be stored exactly once — a completed work order's visit in its vehicle's archive and its contribution in its
// station's grade roll-up included — and no stretch without acknowledgements (visits, receipts) may exceed
// --max-gap. Started by scripts/chaos.sh. Exit code 0 = targets met.
var options = ChaosOptions.Parse(args);
if (options.Rolling)
{
    return await RollingRun.RunAsync(options);
}

await using var cluster = new ChaosCluster(options);
Console.WriteLine($"chaos: {options.Silos} silos, {options.Workers} writers on {options.Vehicles} vehicles, {options.DepotWorkers} on {options.Depots} depots and {options.WorkOrderWorkers} work-order writers on {options.Stations} stations ({options.WorkOrderVehicles} vehicles of their own), {options.Duration.TotalSeconds:F0} s, SIGKILL every {options.KillEvery.TotalSeconds:F0} s");
await cluster.StartAsync();

using var probe = new HttpClient { BaseAddress = new Uri(cluster.BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
await Setup.WaitUntilReadyAsync(probe, TimeSpan.FromSeconds(120));
var token = await cluster.OperatorTokenAsync();
using var http = WriteLoad.CreateClient(cluster.BaseUrl, token);
var vins = await Setup.RegisterFleetAsync(http, options.Vehicles, seed: 42, []);
var depots = await Setup.RegisterDepotsAsync(http, options.Depots);
// The work orders get vehicles of their own: their odometer readings only go up, whatever the visit writers send.
var workOrderVins = options.WorkOrderWorkers == 0 ? [] : await Setup.RegisterFleetAsync(http, options.WorkOrderVehicles, seed: 4242, [.. vins]);
var stations = options.WorkOrderWorkers == 0 ? [] : await Setup.RegisterStationsAsync(http, options.Stations);
Console.WriteLine($"chaos: cluster ready, {vins.Count} + {workOrderVins.Count} vehicles delivered, {depots.Count} depots and {stations.Count} stations registered; load starts");

var load = new WriteLoad(options, http, vins, depots);
var workOrders = new WorkOrderLoad(options, http, workOrderVins, stations);
using var stop = new CancellationTokenSource();
var running = Task.WhenAll(load.RunAsync(stop.Token), workOrders.RunAsync(stop.Token));
var kills = new List<(TimeSpan At, int Silo)>();
var started = DateTimeOffset.UtcNow;
while (DateTimeOffset.UtcNow - started + options.KillEvery <= options.Duration)
{
    await Task.Delay(options.KillEvery);
    var silo = kills.Count % options.Silos;
    kills.Add((load.Elapsed, silo));
    Console.WriteLine($"chaos: {load.Elapsed.TotalSeconds,6:F1} s  kill -9 silo {silo + 1}, restarting it  ({load.Acknowledged.Count} writes, {workOrders.Completions.Count} work-order completions acknowledged so far)");
    await cluster.KillAndRestartAsync(silo);
}

var remaining = options.Duration - (DateTimeOffset.UtcNow - started);
if (remaining > TimeSpan.Zero)
{
    await Task.Delay(remaining);
}

var loadEnded = load.Elapsed;
stop.Cancel();
await running;

// Completions owe messages through the outboxes (a visit to the vehicle, then a grade contribution): the check
// reads the database once every stored outbox is empty, or after the drain limit.
var drain = await WorkOrderCheck.DrainOutboxesAsync(options.ConnectionString, options.DrainLimit);
var ledger = await LedgerCheck.CompareAsync(options.ConnectionString, load.Acknowledged, vins);
var stock = await LedgerCheck.CompareStockAsync(options.ConnectionString, load.Receipts, depots);
var orders = await WorkOrderCheck.CompareAsync(options.ConnectionString, workOrders.Completions, workOrders.Settlements, stations, workOrderVins);
var times = load.AcknowledgedAt.Where(t => t <= loadEnded).Order().Prepend(TimeSpan.Zero).Append(loadEnded).ToList();
var gaps = times.Zip(times.Skip(1), (a, b) => (Start: a, Length: b - a)).ToList();
var longest = gaps.MaxBy(g => g.Length);
var longestGap = longest.Length;
var gapsOverTarget = gaps.Count(g => g.Length > options.MaxGap);
// The longest silence that follows each kill (until the next one), to tell one slow failover from a pattern.
var afterKills = kills.Select((k, i) =>
{
    var until = i + 1 < kills.Count ? kills[i + 1].At : loadEnded;
    return gaps.Where(g => g.Start + g.Length > k.At && g.Start < until).Select(g => g.Length).DefaultIfEmpty(TimeSpan.Zero).Max();
}).ToList();
var medianAfterKill = afterKills.Count == 0 ? TimeSpan.Zero : afterKills.Order().ElementAt(afterKills.Count / 2);
var availability = load.Operations == 0 ? 0 : 100.0 * (load.Operations - load.FailedOperations) / load.Operations;
var passed = ledger.Lost == 0 && ledger.Doubled == 0 && stock.DepotsShort == 0 && stock.DepotsOver == 0
    && longestGap <= options.MaxGap && ledger.Acknowledged > 0 && (options.DepotWorkers == 0 || stock.Acknowledged > 0)
    && orders.Lost == 0 && orders.Doubled == 0 && orders.StationsOff == 0 && !orders.ComebacksOff && !orders.QualityOff
    && (options.WorkOrderWorkers == 0 || (orders.Completions > 0 && orders.Settles > 0));
var workOrderStations = string.Join(", ", orders.Stations.Select(s => $"{s.Code} {s.RolledUp}/{s.BaseCompleted}/{s.Stored}"));

var report = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"| figure | value |")
    .AppendLine("|---|---|")
    .AppendLine(CultureInfo.InvariantCulture, $"| duration / kills | {options.Duration.TotalSeconds:F0} s / {kills.Count} × SIGKILL (every {options.KillEvery.TotalSeconds:F0} s, {options.Silos} silos) |")
    .AppendLine(CultureInfo.InvariantCulture, $"| writes attempted (logical) / HTTP attempts | {load.Operations} / {load.Attempts} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| acknowledged | {ledger.Acknowledged + stock.Acknowledged} ({ledger.Acknowledged} visits, {stock.Acknowledged} stock receipts) |")
    .AppendLine(CultureInfo.InvariantCulture, $"| availability (succeeded within {options.RetryBudget.TotalSeconds:F0} s retry budget) | {availability:F2} % |")
    .AppendLine(CultureInfo.InvariantCulture, $"| longest gap without an acknowledgement | {longestGap.TotalSeconds:F2} s from t = {longest.Start.TotalSeconds:F1} s (target ≤ {options.MaxGap.TotalSeconds:F0} s; {gapsOverTarget} gap(s) over it) |")
    .AppendLine(CultureInfo.InvariantCulture, $"| longest gap after each kill | {string.Join(", ", afterKills.Select(g => g.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)))} s (median {medianAfterKill.TotalSeconds:F2} s) |")
    .AppendLine(CultureInfo.InvariantCulture, $"| kills at | {string.Join(", ", kills.Select(k => $"{k.At.TotalSeconds:F1} s (silo {k.Silo + 1})"))} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| acknowledged but lost | {ledger.Lost} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| stored more than once | {ledger.Doubled} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| stored without acknowledgement (client gave up or reply lost) | {ledger.StoredWithoutAcknowledgement} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| stock receipts: units acknowledged / stored | {stock.AcknowledgedUnits} / {stock.StoredUnits} ({stock.DepotsShort} depot(s) short, {stock.DepotsOver} over: a receipt applied twice) |")
    .AppendLine(CultureInfo.InvariantCulture, $"| HTTP outcomes (0 = timeout/refused) | {string.Join(", ", load.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| work orders: flows / HTTP attempts / steps given up (retry budget spent / refused) | {workOrders.Flows} / {workOrders.Attempts} / {workOrders.StepsOutOfBudget} / {workOrders.StepsRefused} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| work orders: acknowledged | {orders.Completions} completions ({workOrders.Completions.Count(c => !c.ArchivedWhenAnswered)} answered before the visit reached the archive, {workOrders.Completions.Count(c => c.AnsweredState != "completed")} answered with the order not completed), {orders.Settles} settles |")
    .AppendLine(CultureInfo.InvariantCulture, $"| work orders: settle refused until the visit reached the archive (409, retried) | {workOrders.SettleRefusals} answer(s) for {workOrders.SettlesThatWaited} settle(s), longest wait {workOrders.LongestSettleWait.TotalSeconds:F1} s; {workOrders.SettlesGivenUp} given up after {options.SettleWait.TotalSeconds:F0} s |")
    .AppendLine(CultureInfo.InvariantCulture, $"| outboxes drained after the load | {(drain.Drained ? $"yes, after {drain.Took.TotalSeconds:F1} s" : $"no: {drain.PendingGrains} grain(s) still owe {drain.PendingMessages} message(s) after {drain.Took.TotalSeconds:F0} s")} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| work orders: acknowledged but lost | {orders.Lost} ({orders.MissingFromArchive} completion(s) not in the vehicle's archive, {orders.NotCompletedAtStation} not completed at the station, {orders.NotRolledUp} not rolled up, {orders.RepairsNotInQualityReport} repair(s) not in the quality report; {orders.SettlesNotStored} settle(s) not stored settled and archived) |")
    .AppendLine(CultureInfo.InvariantCulture, $"| work orders: stored more than once | {orders.Doubled} ({orders.ArchivedTwice} visit(s) archived twice, {orders.RolledUpTwice} order(s) rolled up twice, {orders.RepairsInQualityReportTwice} repair(s) counted twice in the quality report) |")
    .AppendLine(CultureInfo.InvariantCulture, $"| work orders: grade roll-up 'wo:' finals / base completedWorkOrders / completed orders stored | {orders.RolledUp} / {orders.BaseCompleted} / {orders.Stored} ({orders.StoredWithoutAcknowledgement} stored without acknowledgement; {orders.StationsOff} station(s) off: {workOrderStations}) |")
    .AppendLine(CultureInfo.InvariantCulture, $"| work orders: comebacks (a maintenance redone inside the guarantee): 'comeback:' finals / base comebacks / folded in twice | {orders.ComebacksRolledUp} / {orders.ComebacksBase} / {orders.ComebacksRolledUpTwice} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| work orders: repairs in the monthly quality report: acknowledged / not counted / counted twice; 'repair:' finals / base {WorkOrderLoad.RepairFault} count | {orders.Repairs} / {orders.RepairsNotInQualityReport} / {orders.RepairsInQualityReportTwice}; {orders.QualityFinals} / {orders.QualityBase} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| work-order HTTP outcomes (0 = timeout/refused) | {string.Join(", ", workOrders.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))} |")
    .AppendLine(CultureInfo.InvariantCulture, $"| result | {(passed ? "PASS" : "FAIL")} |")
    .ToString();
Console.WriteLine(report);
foreach (var example in ledger.Examples.Concat(stock.Examples).Concat(orders.Examples.Take(20)))
{
    Console.WriteLine("chaos: " + example);
}

if (options.ReportFile is { } file)
{
    await File.WriteAllTextAsync(file, report);
}

Console.WriteLine(passed ? "chaos: PASS" : "chaos: FAIL");
return passed ? 0 : 1;
