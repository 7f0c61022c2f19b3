namespace AfterSales.Interfaces.Claims;

/// <summary>The cause the appraiser found.</summary>
public enum FailureCause
{
    Defect = 0,
    Misuse = 1,
    Accident = 2,
    UnauthorisedModification = 3,
}

/// <summary>submitted → approved / rejected / needsInformation → settled.</summary>
public enum ClaimState
{
    Submitted = 0,
    Approved = 1,
    Rejected = 2,
    NeedsInformation = 3,
    Settled = 4,
}

/// <summary>A warranty claim as filed by a station, already adjudicated.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ClaimFiling")]
public sealed record class ClaimFiling(
    [property: Id(0)] string StationCode,
    [property: Id(1)] string WorkOrderId,
    [property: Id(2)] string Vin,
    [property: Id(3)] string Appraiser,
    [property: Id(4)] DateOnly RepairDate,
    [property: Id(5)] int MileageKm,
    [property: Id(6)] ClaimState State,
    [property: Id(7)] IReadOnlyList<string> Reasons,
    [property: Id(8)] DateTimeOffset FiledAt);

[GenerateSerializer, Immutable, Alias("AfterSales.ClaimView")]
public sealed record class ClaimView(
    [property: Id(0)] string Id,
    [property: Id(1)] ClaimState State,
    [property: Id(2)] IReadOnlyList<string> Reasons,
    [property: Id(3)] string StationCode,
    [property: Id(4)] string WorkOrderId,
    [property: Id(5)] string Vin,
    [property: Id(6)] string Appraiser,
    [property: Id(7)] DateOnly RepairDate,
    [property: Id(8)] int MileageKm,
    [property: Id(9)] DateTimeOffset FiledAt,
    [property: Id(10)] DateTimeOffset? SettledAt);
