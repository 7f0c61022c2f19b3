using Orleans.Concurrency;
using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Stations;

/// <summary>
/// One authorised service station, keyed by its code (upper case): registry data, authorisation, its work orders
/// (ids <c>{code}-{n}</c>) and its live load. Every command takes the caller's idempotency key (or null).
/// </summary>
[Alias("AfterSales.IServiceStationGrain")]
[Version(1)]
public interface IServiceStationGrain : IGrainWithStringKey
{
    /// <summary>Creates the station or updates its registry data.</summary>
    [Alias("Register")]
    Task<Outcome<StationView>> RegisterAsync(StationRegistration registration, string? idempotencyKey);

    /// <summary>Suspends or revokes the authorisation (no new work orders), or reinstates it.</summary>
    [Alias("SetAuthorisation")]
    Task<Outcome<StationView>> SetAuthorisationAsync(StationAuthorisation authorisation, string? reason, string? idempotencyKey);

    /// <summary>Records one of the station's people and the certificates they hold (replacing what was recorded for them).</summary>
    [Alias("SetPerson")]
    Task<Outcome<StationPerson>> SetPersonAsync(StationPerson person, string? idempotencyKey);

    /// <summary>The station's people and their certificates, by person id.</summary>
    [Alias("GetPeople"), Idempotent]
    Task<Outcome<IReadOnlyList<StationPerson>>> GetPeopleAsync();

    /// <summary>Registry data, authorisation and load.</summary>
    [Alias("Get"), Idempotent]
    Task<Outcome<StationView>> GetAsync();

    /// <summary>
    /// The registered station's province, or null. Interleaves: a vehicle asks it during a delivery naming this
    /// station as dealer while the station may be awaiting that vehicle (a work order's reading), so the two never wait
    /// on each other.
    /// </summary>
    [Alias("GetProvince"), AlwaysInterleave]
    Task<string?> GetProvinceAsync();

    /// <summary>Whether a live work order of this station is for <paramref name="vin"/> (the station serves it now: it sees the owner in full).</summary>
    [Alias("ServesVehicle"), AlwaysInterleave]
    Task<bool> ServesVehicleAsync(string vin);

    /// <summary>The live load, exact at this moment.</summary>
    [Alias("GetLoad"), Idempotent]
    Task<Outcome<StationLoadView>> GetLoadAsync();

    /// <summary>Opens a work order from a pre-inspection; records the odometer on the vehicle.</summary>
    [Alias("OpenWorkOrder")]
    Task<Outcome<WorkOrderView>> OpenWorkOrderAsync(OpenWorkOrder command, string? idempotencyKey);

    /// <summary>Moves a work order; completing it appends the visit to the vehicle's repair archive.</summary>
    [Alias("MoveWorkOrder")]
    Task<Outcome<WorkOrderView>> MoveWorkOrderAsync(string workOrderId, WorkOrderCommand command, string? idempotencyKey);

    /// <summary>Records the appraiser's judgement and files the warranty claim it produces.</summary>
    [Alias("Appraise")]
    Task<Outcome<AppraisalResult>> AppraiseAsync(string workOrderId, Appraisal appraisal, string? idempotencyKey);

    /// <summary>One work order.</summary>
    [Alias("GetWorkOrder"), Idempotent]
    Task<Outcome<WorkOrderView>> GetWorkOrderAsync(string workOrderId);

    /// <summary>Parts for the work order arrived from a depot (idempotent by reservation); it may now leave waiting for parts.</summary>
    [Alias("PartsArrived")]
    Task<Outcome<WorkOrderView>> PartsArrivedAsync(string workOrderId, string reservationId);

    /// <summary>
    /// The warranty department decided the work order's claim: approved, its findings reach the vehicle's 三包
    /// counters (and a comeback's cost is charged back); rejected, nothing counts. Idempotent.
    /// </summary>
    [Alias("ClaimDecided")]
    Task<Outcome<WorkOrderView>> ClaimDecidedAsync(string workOrderId, string claimId, Claims.ClaimState decided, Claims.ClaimAmount? amount);

    /// <summary>
    /// A frozen month's grade and what it earned (seed 000 §5.4.5); the station applies the consecutive-D rule and
    /// suspends itself with the reason recorded. Idempotent by month.
    /// </summary>
    [Alias("RecordGrade")]
    Task<Outcome<StationGradeRecord>> RecordGradeAsync(StationGradeRecord record);

    /// <summary>The station's frozen grades and their consequences, newest month first.</summary>
    [Alias("GetGrades"), Orleans.Concurrency.ReadOnly]
    Task<Outcome<IReadOnlyList<StationGradeRecord>>> GetGradesAsync();

    /// <summary>
    /// The station's summary for the index or roll-up grain <paramref name="groupKey"/>, or null when the station no
    /// longer belongs there. Interleaves: groups call it while the station awaits them.
    /// </summary>
    [Alias("GetSummary"), AlwaysInterleave, Idempotent]
    Task<StationSummary?> GetSummaryAsync(string groupKey);
}
