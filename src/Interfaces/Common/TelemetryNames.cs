namespace AfterSales.Interfaces.Common;

/// <summary>The names the project's own telemetry is published under (its meter), shared by the grains that record and the hosts that export.</summary>
public static class TelemetryNames
{
    /// <summary>The project's meter: warranty answers, entitlements, SLA breaches, outbox backlog, write batch sizes.</summary>
    public const string Meter = "AfterSales.Actors";
}
