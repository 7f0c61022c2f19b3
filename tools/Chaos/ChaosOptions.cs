using System.Globalization;

namespace AfterSales.Chaos;

/// <summary>Command line of the chaos run; every option has a default that suits the short form.</summary>
public sealed record ChaosOptions
{
    public required string ConnectionString { get; init; }

    public required string SiloDll { get; init; }

    public required string ApiDll { get; init; }

    public int Silos { get; init; } = 3;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(45);

    public TimeSpan KillEvery { get; init; } = TimeSpan.FromSeconds(15);

    public int Workers { get; init; } = 12;

    public int Vehicles { get; init; } = 120;

    /// <summary>Writers posting stock receipts, each to depots of its own.</summary>
    public int DepotWorkers { get; init; } = 2;

    public int Depots { get; init; } = 4;

    /// <summary>Writers taking work orders from open to settled, each on vehicles of its own.</summary>
    public int WorkOrderWorkers { get; init; } = 2;

    /// <summary>Stations the work orders are spread over.</summary>
    public int Stations { get; init; } = 4;

    /// <summary>Vehicles registered for the work-order writers only (the visit writers' odometer readings never meet theirs).</summary>
    public int WorkOrderVehicles { get; init; } = 8;

    /// <summary>How long a settle refused with 409 (the visit has not reached the vehicle's archive yet) is asked again.</summary>
    public TimeSpan SettleWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the check waits after the load for every stored outbox to be delivered.</summary>
    public TimeSpan DrainLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a client keeps retrying one write before counting it as failed.</summary>
    public TimeSpan RetryBudget { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Per-attempt HTTP timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The run fails when the longest stretch without an acknowledged write exceeds this.</summary>
    public TimeSpan MaxGap { get; init; } = TimeSpan.FromSeconds(3);

    public string? ReportFile { get; init; }

    /// <summary>
    /// The rolling-upgrade run instead of the chaos run: every silo replaced once, one at a time, gracefully (SIGTERM,
    /// its exit awaited, the replacement started and awaited Active in the membership table), under a steady load.
    /// </summary>
    public bool Rolling { get; init; }

    /// <summary>Rolling: the build the cluster starts on (silo and API host dlls); the silos are replaced by <see cref="SiloDll"/>. Default: the same build.</summary>
    public string? FromSiloDll { get; init; }

    public string? FromApiDll { get; init; }

    /// <summary>Rolling: a name for the starting build in the report (a git ref).</summary>
    public string? FromName { get; init; }

    /// <summary>Rolling: load before the first replacement.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Rolling: load on the new topology after each replacement joined, before the next (and after the last).</summary>
    public TimeSpan StepPause { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Rolling: how long a silo may take to exit after SIGTERM before it is killed (and the run fails).</summary>
    public TimeSpan ExitLimit { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Rolling: warranty readers (one attempt per read).</summary>
    public int ReadWorkers { get; init; } = 4;

    /// <summary>Rolling: odometer writers, each on vehicles of its own.</summary>
    public int OdometerWorkers { get; init; } = 4;

    public int OdometerVehicles { get; init; } = 40;

    /// <summary>The API host's grain-call budget (<c>Cluster__ResponseTimeout</c>): the chaos run uses 2 s so a call stuck on a killed silo is retried sooner.</summary>
    public TimeSpan ApiResponseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where each process's whole output is kept (one file per process incarnation); none when unset.</summary>
    public string? LogDir { get; init; }

    public static ChaosOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        TimeSpan Seconds(string name, TimeSpan fallback) =>
            Value(name) is { } v ? TimeSpan.FromSeconds(double.Parse(v, CultureInfo.InvariantCulture)) : fallback;

        var defaults = new ChaosOptions { ConnectionString = "", SiloDll = "", ApiDll = "" };
        return new ChaosOptions
        {
            ConnectionString = Value("--connection") ?? throw new ArgumentException("--connection is required"),
            SiloDll = Value("--silo-dll") ?? throw new ArgumentException("--silo-dll is required"),
            ApiDll = Value("--api-dll") ?? throw new ArgumentException("--api-dll is required"),
            Silos = Int("--silos", defaults.Silos),
            Duration = Seconds("--duration", defaults.Duration),
            KillEvery = Seconds("--kill-every", defaults.KillEvery),
            Workers = Int("--workers", defaults.Workers),
            Vehicles = Int("--vehicles", defaults.Vehicles),
            DepotWorkers = Int("--depot-workers", defaults.DepotWorkers),
            Depots = Int("--depots", defaults.Depots),
            WorkOrderWorkers = Int("--work-order-workers", defaults.WorkOrderWorkers),
            Stations = Int("--stations", defaults.Stations),
            WorkOrderVehicles = Int("--work-order-vehicles", defaults.WorkOrderVehicles),
            SettleWait = Seconds("--settle-wait", defaults.SettleWait),
            DrainLimit = Seconds("--drain-limit", defaults.DrainLimit),
            RetryBudget = Seconds("--retry-budget", defaults.RetryBudget),
            MaxGap = Seconds("--max-gap", defaults.MaxGap),
            ReportFile = Value("--report"),
            AttemptTimeout = Seconds("--attempt-timeout", defaults.AttemptTimeout),
            Rolling = args.Contains("--rolling"),
            FromSiloDll = Value("--from-silo-dll"),
            FromApiDll = Value("--from-api-dll"),
            FromName = Value("--from-name"),
            Warmup = Seconds("--warmup", defaults.Warmup),
            StepPause = Seconds("--step-pause", defaults.StepPause),
            ExitLimit = Seconds("--exit-limit", defaults.ExitLimit),
            ReadWorkers = Int("--read-workers", defaults.ReadWorkers),
            OdometerWorkers = Int("--odometer-workers", defaults.OdometerWorkers),
            OdometerVehicles = Int("--odometer-vehicles", defaults.OdometerVehicles),
            ApiResponseTimeout = Seconds("--api-response-timeout", defaults.ApiResponseTimeout),
            LogDir = Value("--log-dir"),
        };
    }
}
