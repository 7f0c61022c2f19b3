using System.Globalization;
using System.Text;

namespace AfterSales.Chaos;

/// <summary>
/// The rolling upgrade (scripts/rolling-upgrade.sh): the cluster starts on one build (<see cref="ChaosOptions.FromSiloDll"/>,
/// or the current one), a steady load runs through the API host — warranty reads, odometer readings, visits, stock
/// receipts and work orders — and every silo is replaced once, one at a time and gracefully, by a silo of the current
/// build: SIGTERM, its exit awaited, the replacement awaited Active in the membership table with its gateway open,
/// a pause under load, then the next. Every request whose FIRST attempt did not succeed is counted (a retry that
/// succeeded later does not make it a success), and afterwards every acknowledged write must be stored exactly once.
/// Exit code 0 = no failed request, nothing lost or doubled, every silo left gracefully and every replacement joined.
/// </summary>
public static class RollingRun
{
    private static readonly TimeSpan JoinLimit = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(ChaosOptions options)
    {
        await using var cluster = new ChaosCluster(options);
        var from = options.FromName ?? "the current build";
        Console.WriteLine($"rolling: {options.Silos} silos behind the API host, starting on {from}; {options.ReadWorkers} warranty readers, {options.OdometerWorkers} odometer writers, {options.Workers} visit writers, {options.DepotWorkers} receipt writers, {options.WorkOrderWorkers} work-order writers");
        await cluster.StartAsync();
        using var probe = new HttpClient { BaseAddress = new Uri(cluster.BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        await Setup.WaitUntilReadyAsync(probe, TimeSpan.FromSeconds(120));
        // Every silo must have joined before the clock starts: the run measures replacements, not the first start.
        await WaitForAsync(async () => await cluster.ActiveSilosAsync() == options.Silos, TimeSpan.FromSeconds(60), "every silo Active");
        var token = await cluster.OperatorTokenAsync();
        using var http = WriteLoad.CreateClient(cluster.BaseUrl, token);
        var vins = await Setup.RegisterFleetAsync(http, options.Vehicles, seed: 42, []);
        var depots = await Setup.RegisterDepotsAsync(http, options.Depots);
        var workOrderVins = options.WorkOrderWorkers == 0 ? [] : await Setup.RegisterFleetAsync(http, options.WorkOrderVehicles, seed: 4242, [.. vins]);
        var odometerVins = options.OdometerWorkers == 0 ? [] : await Setup.RegisterFleetAsync(http, options.OdometerVehicles, seed: 424242, [.. vins, .. workOrderVins]);
        var stations = options.WorkOrderWorkers == 0 ? [] : await Setup.RegisterStationsAsync(http, options.Stations);
        var fleet = vins.Concat(workOrderVins).Concat(odometerVins).ToList();
        await Setup.WarmReadsAsync(http, fleet);
        Console.WriteLine($"rolling: cluster ready, {fleet.Count} vehicles (each read once, not counted), {depots.Count} depots, {stations.Count} stations; load starts");

        var stats = new RequestStats();
        Console.WriteLine($"rolling: t = 0 is {DateTimeOffset.UtcNow:HH:mm:ss.fff} UTC");
        var writes = new WriteLoad(options, http, vins, depots, stats);
        var workOrders = new WorkOrderLoad(options, http, workOrderVins, stations, stats);
        var steady = new SteadyLoad(options, http, fleet, odometerVins, stats);
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(writes.RunAsync(stop.Token), workOrders.RunAsync(stop.Token), steady.RunAsync(stop.Token));

        await Task.Delay(options.Warmup);
        if (options.FromSiloDll is not null)
        {
            // The new build's migrations before its silos roll (the migration Job of deploy/k8s); they must suit the old build too.
            var migrating = stats.Elapsed;
            await cluster.MigrateAsync(options.SiloDll);
            Console.WriteLine($"rolling: {stats.Elapsed.TotalSeconds,6:F1} s  the current build's migrations applied ({(stats.Elapsed - migrating).TotalSeconds:F1} s)");
        }

        var steps = new List<Replacement>();
        for (var silo = 0; silo < options.Silos; silo++)
        {
            Console.WriteLine($"rolling: {stats.Elapsed.TotalSeconds,6:F1} s  SIGTERM silo {silo + 1}");
            var step = await cluster.ReplaceGracefullyAsync(silo, () => stats.Elapsed, JoinLimit);
            steps.Add(step);
            Console.WriteLine($"rolling: {stats.Elapsed.TotalSeconds,6:F1} s  silo {silo + 1}: exited after {Seconds(step.Exited)} (code {step.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}), replacement Active after {Seconds(step.Active)}, its gateway open after {Seconds(step.GatewayOpen)}");
            if (step.Active is null || step.GatewayOpen is null)
            {
                break;
            }

            await Task.Delay(options.StepPause);
        }

        var loadEnded = stats.Elapsed;
        stop.Cancel();
        await running;

        var drain = await WorkOrderCheck.DrainOutboxesAsync(options.ConnectionString, options.DrainLimit);
        var ledger = await LedgerCheck.CompareAsync(options.ConnectionString, writes.Acknowledged, vins);
        var stock = await LedgerCheck.CompareStockAsync(options.ConnectionString, writes.Receipts, depots);
        var orders = await WorkOrderCheck.CompareAsync(options.ConnectionString, workOrders.Completions, workOrders.Settlements, stations, workOrderVins);
        var odometers = await steady.CompareAsync(options.ConnectionString);

        var records = stats.Records.Where(r => r.At < loadEnded).ToList();
        var firsts = records.Where(r => r.FirstAttempt).ToList();
        var failedFirsts = firsts.Where(r => r.Failed).ToList();
        var successes = records.Where(r => !r.Failed).Select(r => r.At + r.Latency).Where(t => t <= loadEnded).Order().Prepend(TimeSpan.Zero).Append(loadEnded).ToList();
        var longestGap = successes.Zip(successes.Skip(1), (a, b) => (Start: a, Length: b - a)).MaxBy(g => g.Length);
        var slowest = records.MaxBy(r => r.Latency);
        var allJoined = steps.Count == options.Silos && steps.All(s => s.Active is not null && s.GatewayOpen is not null);
        var passed = failedFirsts.Count == 0 && allJoined && steps.All(s => s.Graceful)
            && ledger.Lost == 0 && ledger.Doubled == 0 && ledger.Acknowledged > 0 && stock.DepotsShort == 0 && stock.DepotsOver == 0
            && orders.Lost == 0 && orders.Doubled == 0 && orders.StationsOff == 0 && !orders.ComebacksOff && !orders.QualityOff
            && odometers.Short == 0 && odometers.Over == 0 && (options.OdometerWorkers == 0 || odometers.Acknowledged > 0);

        var report = new StringBuilder()
            .AppendLine("| figure | value |")
            .AppendLine("|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| upgrade | {options.Silos} silos replaced one at a time (SIGTERM, exit, replacement Active), from {from} to the current build; the API host ({(options.FromApiDll is null ? "current build" : from)}) stays |")
            .AppendLine(CultureInfo.InvariantCulture, $"| load | {loadEnded.TotalSeconds:F0} s: {options.Warmup.TotalSeconds:F0} s before the first replacement, {options.StepPause.TotalSeconds:F0} s after each |")
            .AppendLine(CultureInfo.InvariantCulture, $"| requests (first attempts) / HTTP attempts | {firsts.Count} / {records.Count} ({string.Join(", ", firsts.GroupBy(r => r.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}) |")
            .AppendLine(CultureInfo.InvariantCulture, $"| failed first attempts | {failedFirsts.Count}{Breakdown(failedFirsts)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| latency of first attempts: p50 / p99 / max | {Percentile(firsts, 0.50)} / {Percentile(firsts, 0.99)} / {Ms(firsts.Max(r => r.Latency))} (slowest attempt: {slowest.Kind} at t = {slowest.At.TotalSeconds:F1} s) |")
            .AppendLine(CultureInfo.InvariantCulture, $"| longest gap without a successful answer | {Ms(longestGap.Length)} from t = {longestGap.Start.TotalSeconds:F1} s |")
            .AppendLine(CultureInfo.InvariantCulture, $"| visits: acknowledged / lost / stored twice | {ledger.Acknowledged} / {ledger.Lost} / {ledger.Doubled} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| stock receipts: units acknowledged / stored | {stock.AcknowledgedUnits} / {stock.StoredUnits} ({stock.DepotsShort} depot(s) short, {stock.DepotsOver} over) |")
            .AppendLine(CultureInfo.InvariantCulture, $"| odometer readings: acknowledged / vehicles short / over | {odometers.Acknowledged} / {odometers.Short} / {odometers.Over} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| work orders: completions / settles acknowledged; lost / doubled | {orders.Completions} / {orders.Settles}; {orders.Lost} / {orders.Doubled} ({orders.StationsOff} station(s) off) |")
            .AppendLine(CultureInfo.InvariantCulture, $"| outboxes drained after the load | {(drain.Drained ? $"yes, after {drain.Took.TotalSeconds:F1} s" : $"no: {drain.PendingGrains} grain(s) still owe {drain.PendingMessages} message(s)")} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| result | {(passed ? "PASS" : "FAIL")} |")
            .AppendLine()
            .AppendLine("| step | SIGTERM at | exited after (code) | replacement Active after | its gateway open after | requests in the step / failed first attempts | slowest first attempt in the step |")
            .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var step in steps)
        {
            // A step lasts from its SIGTERM to the next step's (or the end of the load).
            var next = steps.IndexOf(step) + 1 < steps.Count ? steps[steps.IndexOf(step) + 1].SigtermAt : loadEnded;
            var during = firsts.Where(r => r.At >= step.SigtermAt && r.At < next).ToList();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| silo {step.Silo + 1} | {step.SigtermAt.TotalSeconds:F1} s | {Seconds(step.Exited)} ({step.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "killed"}) | {Seconds(step.Active)} | {Seconds(step.GatewayOpen)} | {during.Count} / {during.Count(r => r.Failed)} | {(during.Count == 0 ? "-" : Ms(during.Max(r => r.Latency)))} |");
        }

        Console.WriteLine(report);
        foreach (var failure in failedFirsts.OrderBy(r => r.At).Take(30))
        {
            Console.WriteLine($"rolling: failed first attempt at t = {failure.At.TotalSeconds:F2} s after {Ms(failure.Latency)}: {failure.Kind} {failure.Status} {Shorten(failure.Detail)}");
        }

        foreach (var example in ledger.Examples.Concat(stock.Examples).Concat(odometers.Examples).Concat(orders.Examples.Take(20)))
        {
            Console.WriteLine("rolling: " + example);
        }

        if (options.ReportFile is { } file)
        {
            await File.WriteAllTextAsync(file, report.ToString());
        }

        Console.WriteLine(passed ? "rolling: PASS" : "rolling: FAIL");
        return passed ? 0 : 1;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"not reached within {limit}: {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static string Breakdown(IReadOnlyCollection<RequestRecord> failed) => failed.Count == 0 ? "" :
        " (" + string.Join(", ", failed.GroupBy(r => (r.Kind, r.Status)).OrderBy(g => g.Key.Kind).Select(g => $"{g.Key.Kind} {(g.Key.Status == 0 ? "no answer" : g.Key.Status.ToString(CultureInfo.InvariantCulture))} × {g.Count()}")) + ")";

    private static string Percentile(IReadOnlyList<RequestRecord> records, double p) =>
        records.Count == 0 ? "-" : Ms(records.Select(r => r.Latency).Order().ElementAt((int)Math.Min(records.Count - 1, Math.Floor(p * records.Count))));

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms";

    private static string Seconds(TimeSpan? span) => span is { } s ? s.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "never";

    private static string Shorten(string text) => text.Length <= 300 ? text.ReplaceLineEndings(" ") : text[..300].ReplaceLineEndings(" ") + "…";
}
