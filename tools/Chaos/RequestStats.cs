using System.Collections.Concurrent;
using System.Diagnostics;

namespace AfterSales.Chaos;

/// <summary>One HTTP attempt: what it was, whether it was the request's first attempt, its status (0 = timeout or refused connection), when it started and how long it took.</summary>
public readonly record struct RequestRecord(string Kind, bool FirstAttempt, int Status, TimeSpan At, TimeSpan Latency, string Detail)
{
    /// <summary>
    /// The request did not succeed: no answer, or anything but a 2xx — except the one refusal the load expects as a
    /// business answer (a settle asked before its visit reached the archive, which the work-order writer asks again).
    /// </summary>
    public bool Failed => Status is < 200 or > 299 && !(Kind == "work order settle" && Status == 409);
}

/// <summary>
/// Every HTTP attempt of a rolling run on one clock, so that failures can be placed against the upgrade's steps. The
/// loads record through it (<see cref="RetryingSender"/> for the retried writes, <see cref="SteadyLoad"/> for the
/// single-attempt reads).
/// </summary>
public sealed class RequestStats
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<RequestRecord> _records = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    public IReadOnlyCollection<RequestRecord> Records => _records;

    public void Record(string kind, bool firstAttempt, int status, TimeSpan at, TimeSpan latency, string detail = "") =>
        _records.Enqueue(new RequestRecord(kind, firstAttempt, status, at, latency, detail));

    /// <summary>The kind of a request by its route: the report counts them apart.</summary>
    public static string KindOf(string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (method, segments) switch
        {
            ("GET", [.., "warranty"]) => "warranty read",
            ("POST", [.., "visits"]) => "visit",
            ("POST", [.., "odometer"]) => "odometer reading",
            ("POST", [.., "receipts"]) => "stock receipt",
            ("POST", [.., "work-orders"]) => "work order open",
            ("POST", [.., "work-orders", _, var step]) => "work order " + step,
            _ => method + " " + path,
        };
    }
}
