using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Vehicles;

/// <summary>
/// One vehicle, keyed by its VIN (upper case). Owns identity, lifecycle, odometer, the repair archive and the
/// warranty/三包 answers derived from them. Every command takes the caller's idempotency key (or null):
/// a repeated key returns the first outcome and changes nothing.
/// </summary>
[Alias("AfterSales.IVehicleGrain")]
[Version(1)]
public interface IVehicleGrain : IGrainWithStringKey
{
    /// <summary>Registers a produced vehicle.</summary>
    [Alias("Register")]
    Task<Outcome<VehicleView>> RegisterAsync(RegisterVehicle command, string? idempotencyKey);

    /// <summary>Records delivery to the first owner; starts the warranty clocks.</summary>
    [Alias("Deliver")]
    Task<Outcome<VehicleView>> DeliverAsync(DeliverVehicle command, string? idempotencyKey);

    /// <summary>Records an odometer reading; readings never go backwards.</summary>
    [Alias("RecordOdometer")]
    Task<Outcome<VehicleView>> RecordOdometerAsync(RecordOdometer command, string? idempotencyKey);

    /// <summary>Lowers a wrong odometer reading (operators only, with a reason); the correction is kept with the vehicle.</summary>
    [Alias("CorrectOdometer")]
    Task<Outcome<VehicleView>> CorrectOdometerAsync(CorrectOdometer command, string? idempotencyKey);

    /// <summary>Changes the owner; every entitlement stays with the VIN.</summary>
    [Alias("TransferOwnership")]
    Task<Outcome<VehicleView>> TransferOwnershipAsync(TransferOwnership command, string? idempotencyKey);

    /// <summary>Removes the previous owners' names and phones (PIPL), keeping the history; the erasure itself is kept.</summary>
    [Alias("ErasePreviousOwners")]
    Task<Outcome<VehicleView>> ErasePreviousOwnersAsync(ErasePreviousOwners command, string? idempotencyKey);

    /// <summary>Ends the vehicle's service life (replaced, refunded or scrapped).</summary>
    [Alias("EndLife")]
    Task<Outcome<VehicleView>> EndLifeAsync(EndVehicleLife command, string? idempotencyKey);

    /// <summary>
    /// A replace/refund case opens on the vehicle: granted when the vehicle is in service, holds no other open case
    /// and has a granted entitlement of the article (a 409 lists the missing conditions). Asking again for the same
    /// case answers the same.
    /// </summary>
    [Alias("OpenBuybackCase")]
    Task<Outcome<BuybackEntitlement>> OpenBuybackCaseAsync(string caseId, BuybackRequestKind request, string article);

    /// <summary>A case closes: rejected (the vehicle is free again), or replaced / refunded (its life ends). Idempotent by case id.</summary>
    [Alias("CloseBuybackCase")]
    Task<Outcome<VehicleView>> CloseBuybackCaseAsync(BuybackClosure closure);

    /// <summary>Appends a visit to the repair archive (stations call this when a work order completes).</summary>
    [Alias("AppendVisit")]
    Task<Outcome<RepairRecordView>> AppendVisitAsync(CompletedVisit visit, string? idempotencyKey);

    /// <summary>
    /// Creates a vehicle with its delivery, reading and past visits in one durable write (bulk loads). A retry with the
    /// same key answers with the first outcome's status and the vehicle as it stands now (the key keeps no view).
    /// </summary>
    [Alias("Import")]
    Task<Outcome<VehicleView>> ImportAsync(VehicleImport import, string? idempotencyKey);

    /// <summary>Identity, owner, state and odometer.</summary>
    [Alias("Get"), Idempotent]
    Task<Outcome<VehicleView>> GetAsync();

    /// <summary>Coverage and 三包 entitlements now, or on <paramref name="asOf"/> at <paramref name="mileageKm"/>.</summary>
    [Alias("GetWarranty"), Idempotent]
    Task<Outcome<WarrantyView>> GetWarrantyAsync(DateOnly? asOf, int? mileageKm);

    /// <summary>
    /// One page of the repair archive, newest first: <paramref name="limit"/> entries after <paramref name="cursor"/>
    /// (null: from the newest). An unknown cursor is a 400 naming it.
    /// </summary>
    [Alias("GetHistoryPage"), Idempotent]
    Task<Outcome<RepairHistoryPage>> GetHistoryAsync(int limit, string? cursor);

    /// <summary>
    /// A campaign that lists this VIN asks the vehicle to tell its batch (with its region), so the campaign's
    /// split by province counts it. Idempotent; an unregistered VIN does nothing (it tells its batch on registration).
    /// </summary>
    /// <returns>The vehicle's batch (which then follows the campaign for it), or null when the VIN is not registered.</returns>
    [Alias("JoinListedRecall")]
    Task<string?> JoinListedRecallAsync(string campaignId);
}
