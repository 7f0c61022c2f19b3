using AfterSales.Interfaces.Common;

namespace AfterSales.Interfaces.Vehicles;

public enum Powertrain
{
    Ice = 0,
    Hev = 1,
    Bev = 2,
}

/// <summary>Produced → Delivered → InService → (Replaced | Refunded | Scrapped).</summary>
public enum VehicleLifecycle
{
    Produced = 0,
    Delivered = 1,
    InService = 2,
    Replaced = 3,
    Refunded = 4,
    Scrapped = 5,
}

[GenerateSerializer, Immutable, Alias("AfterSales.RegisterVehicle")]
public sealed record class RegisterVehicle(
    [property: Id(0)] string Vin,
    [property: Id(1)] string Model,
    [property: Id(2)] string Batch,
    [property: Id(3)] DateOnly ProductionDate,
    [property: Id(4)] Powertrain Powertrain,
    [property: Id(5)] decimal Price);

[GenerateSerializer, Immutable, Alias("AfterSales.DeliverVehicle")]
public sealed record class DeliverVehicle(
    [property: Id(0)] string OwnerName,
    [property: Id(1)] string OwnerPhone,
    [property: Id(2)] string DealerCode,
    [property: Id(3)] DateOnly InvoiceDate,
    [property: Id(4)] DateOnly DeliveryDate,
    [property: Id(5)] int OdometerKm,
    [property: Id(6)] string? ReplacesVin = null);

[GenerateSerializer, Immutable, Alias("AfterSales.RecordOdometer")]
public sealed record class RecordOdometer(
    [property: Id(0)] int ReadingKm,
    [property: Id(1)] DateTimeOffset ReadAt);

/// <summary>An operator lowers a wrong odometer reading, with the reason; the correction is kept.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CorrectOdometer")]
public sealed record class CorrectOdometer(
    [property: Id(0)] int ReadingKm,
    [property: Id(1)] string Reason,
    [property: Id(2)] string CorrectedBy);

/// <summary>A kept odometer correction: when, from which reading to which, why and by whom.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.OdometerCorrectionView")]
public sealed record class OdometerCorrectionView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int FromKm,
    [property: Id(2)] int ToKm,
    [property: Id(3)] string Reason,
    [property: Id(4)] string By);

[GenerateSerializer, Immutable, Alias("AfterSales.TransferOwnership")]
public sealed record class TransferOwnership(
    [property: Id(0)] string OwnerName,
    [property: Id(1)] string OwnerPhone,
    [property: Id(2)] DateOnly TransferDate);

/// <summary>Ends the vehicle's life: replaced (三包 replacement), refunded, or scrapped.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.EndVehicleLife")]
public sealed record class EndVehicleLife(
    [property: Id(0)] VehicleLifecycle Outcome,
    [property: Id(1)] DateOnly EffectiveDate,
    [property: Id(2)] int? OdometerKm,
    [property: Id(3)] string? ReplacementVin,
    [property: Id(4)] string? Note);

/// <summary>An operator erases the previous owners' personal data (PIPL), with the reason; the history stays.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ErasePreviousOwners")]
public sealed record class ErasePreviousOwners(
    [property: Id(0)] string Reason,
    [property: Id(1)] string ErasedBy);

/// <summary>A kept erasure: when, by whom, why, how many previous owners' data it removed.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.PersonalDataErasureView")]
public sealed record class PersonalDataErasureView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string By,
    [property: Id(2)] string Reason,
    [property: Id(3)] int Owners);

[GenerateSerializer, Immutable, Alias("AfterSales.OwnerView")]
public sealed record class OwnerView(
    [property: Id(0)] string Name,
    [property: Id(1)] string Phone,
    [property: Id(2)] DateOnly Since);

[GenerateSerializer, Immutable, Alias("AfterSales.VehicleView")]
public sealed record class VehicleView(
    [property: Id(0)] string Vin,
    [property: Id(1)] string Model,
    [property: Id(2)] string Batch,
    [property: Id(3)] DateOnly ProductionDate,
    [property: Id(4)] Powertrain Powertrain,
    [property: Id(5)] decimal Price,
    [property: Id(6)] VehicleLifecycle State,
    [property: Id(7)] OwnerView? Owner,
    [property: Id(8)] string? DealerCode,
    [property: Id(9)] DateOnly? InvoiceDate,
    [property: Id(10)] DateOnly? DeliveryDate,
    [property: Id(11)] int OdometerKm,
    [property: Id(12)] DateTimeOffset? OdometerReadAt,
    [property: Id(13)] DateOnly? CoverageStart,
    [property: Id(14)] string? ReplacesVin,
    [property: Id(15)] string? ReplacedByVin,
    [property: Id(16)] DateOnly? EndedOn,
    [property: Id(17)] int PreviousOwners,
    [property: Id(18)] string? Region = null,
    [property: Id(19)] IReadOnlyList<OdometerCorrectionView>? OdometerCorrections = null,
    [property: Id(20)] string? OpenBuybackCase = null,
    [property: Id(21)] IReadOnlyList<PersonalDataErasureView>? Erasures = null) : IVersionedView
{
    /// <summary>The version of the state this view was built from (the reply's ETag).</summary>
    [Id(22)] public long Revision { get; init; }
}

/// <summary>A whole vehicle at once (bulk loads): registration, optional delivery, latest reading and past visits.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.VehicleImport")]
public sealed record class VehicleImport(
    [property: Id(0)] RegisterVehicle Registration,
    [property: Id(1)] DeliverVehicle? Delivery,
    [property: Id(2)] RecordOdometer? Odometer,
    [property: Id(3)] IReadOnlyList<CompletedVisit> Visits);
