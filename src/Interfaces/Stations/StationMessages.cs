using AfterSales.Interfaces.Common;

namespace AfterSales.Interfaces.Stations;

/// <summary>An authorised station's standing (授权状态). Only an active station takes new work orders.</summary>
public enum StationAuthorisation
{
    Active = 0,
    Suspended = 1,
    Revoked = 2,
}

/// <summary>Registry data of a station (PUT /api/stations/{code}): creates the station or updates it.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationRegistration")]
public sealed record class StationRegistration(
    [property: Id(0)] string Name,
    [property: Id(1)] string Province,
    [property: Id(2)] string City,
    [property: Id(3)] double Latitude,
    [property: Id(4)] double Longitude,
    [property: Id(5)] int Bays,
    [property: Id(6)] IReadOnlyList<string> Appraisers);

/// <summary>Live service load: open work orders against bays, waiting for parts, the oldest open order.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationLoadView")]
public sealed record class StationLoadView(
    [property: Id(0)] int OpenWorkOrders,
    [property: Id(1)] int Bays,
    [property: Id(2)] double Utilisation,
    [property: Id(3)] int WaitingForParts,
    [property: Id(4)] DateTimeOffset? OldestOpenSince,
    [property: Id(5)] int FreeBays);

[GenerateSerializer, Immutable, Alias("AfterSales.StationView")]
public sealed record class StationView(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] string Province,
    [property: Id(3)] string City,
    [property: Id(4)] double Latitude,
    [property: Id(5)] double Longitude,
    [property: Id(6)] int Bays,
    [property: Id(7)] IReadOnlyList<string> Appraisers,
    [property: Id(8)] StationAuthorisation Authorisation,
    [property: Id(9)] string? AuthorisationReason,
    [property: Id(10)] StationLoadView Load,
    [property: Id(11)] int WorkOrders) : IVersionedView
{
    /// <summary>The version of the state this view was built from (the reply's ETag).</summary>
    [Id(12)] public long Revision { get; init; }
}

/// <summary>
/// What a station tells the index and roll-up grains about itself. <see cref="Version"/> increases with every change
/// of the station, so a retried or late push never overwrites a newer one.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationSummary")]
public sealed record class StationSummary(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] string Province,
    [property: Id(3)] string City,
    [property: Id(4)] double Latitude,
    [property: Id(5)] double Longitude,
    [property: Id(6)] int Bays,
    [property: Id(7)] int OpenWorkOrders,
    [property: Id(8)] int WaitingForParts,
    [property: Id(9)] StationAuthorisation Authorisation,
    [property: Id(10)] long Version)
{
    /// <summary>Authorised and with a free bay: can take a vehicle now.</summary>
    public bool Available => Authorisation == StationAuthorisation.Active && OpenWorkOrders < Bays;
}

/// <summary>What a certificate (上岗证) qualifies its holder for: appraising warranty repairs (鉴定员) or repairing (维修技师).</summary>
public enum CertificateKind
{
    Appraiser = 0,
    Technician = 1,
}

/// <summary>
/// A certificate the manufacturer's after-sales side issued after training and assessment (seed 001 §5.1.5, §5.3.1):
/// valid from <see cref="ValidFrom"/> through <see cref="ValidUntil"/>, both business dates, inclusive.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.Certificate")]
public sealed record class Certificate(
    [property: Id(0)] CertificateKind Kind,
    [property: Id(1)] string Number,
    [property: Id(2)] DateOnly ValidFrom,
    [property: Id(3)] DateOnly ValidUntil)
{
    /// <summary>Whether the certificate is of <paramref name="kind"/> and in force on <paramref name="date"/> (validFrom ≤ date ≤ validUntil).</summary>
    public bool Qualifies(CertificateKind kind, DateOnly date) => Kind == kind && ValidFrom <= date && date <= ValidUntil;
}

/// <summary>
/// One of the station's staff (PUT /api/stations/{code}/people/{personId}) with the certificates they hold. The
/// station's <c>appraisers</c> and an appraisal's <c>appraiser</c> name people by <see cref="Name"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationPerson")]
public sealed record class StationPerson(
    [property: Id(0)] string PersonId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<Certificate> Certificates)
{
    public bool Equals(StationPerson? other) =>
        other is not null && PersonId == other.PersonId && Name == other.Name && Certificates.SequenceEqual(other.Certificates);

    public override int GetHashCode() => HashCode.Combine(PersonId, Name, Certificates.Count);
}

/// <summary>
/// One frozen month's grade of a station and its consequences: the reward or penalty (CNY) and, when the month
/// completed a run of consecutive D grades, the suspension it caused (<see cref="SuspendedFor"/>: the months of the run).
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationGradeRecord")]
public sealed record class StationGradeRecord(
    [property: Id(0)] string Month,
    [property: Id(1)] string Grade,
    [property: Id(2)] double Score,
    [property: Id(3)] AfterSales.Interfaces.Reports.GradeConsequenceView Consequence,
    // The consecutive-D rule in force when the month was frozen (0: off).
    [property: Id(4)] int SuspendAfterConsecutiveD,
    [property: Id(5)] DateTimeOffset FrozenAt,
    [property: Id(6)] IReadOnlyList<string>? SuspendedFor = null,
    // Why the station was not suspended though the rule applied (it was suspended or revoked already), or null.
    [property: Id(7)] string? SuspensionNote = null);
