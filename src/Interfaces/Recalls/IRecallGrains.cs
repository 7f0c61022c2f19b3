using System.Collections.Immutable;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Recalls;

/// <summary>
/// One recall campaign (召回), keyed by its campaign id. Opening it subscribes the fleet index (batches, models)
/// instead of calling vehicles; vehicles learn of it from <see cref="IRecallRegistryGrain"/>, and completions
/// arrive as events from the stations that do the recall work.
/// </summary>
[Alias("AfterSales.IRecallCampaignGrain")]
[Version(2)] // 2: RecordCompletion (a completion reaching a silo of the previous release would find no such method)
public interface IRecallCampaignGrain : IGrainWithStringKey
{
    /// <summary>Opens the campaign; opening it again with the same definition answers as the first time, a different one is a conflict.</summary>
    [Alias("Open")]
    Task<Outcome<RecallView>> OpenAsync(OpenRecall command);

    /// <summary>Affected, completed, completion rate and the same by province, live.</summary>
    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<Outcome<RecallView>> GetAsync();

    /// <summary>
    /// Finishes telling the listed VINs' batches about the campaign (which a timer does in the background after the
    /// opening) and returns how many listed VINs are still to be told: 0 once every one was reached.
    /// </summary>
    [Alias("ResolveListedRegions")]
    Task<int> ResolveListedRegionsAsync();

    /// <summary>
    /// Closes the campaign (an operator's decision, or <see cref="CheckCompletionAsync"/> at 100 %): it leaves the
    /// registry (vehicles' open recalls), the fleet index and the network view; its record stays readable. A second
    /// close is a conflict; the same Idempotency-Key answers as the first time.
    /// </summary>
    [Alias("Close")]
    Task<Outcome<RecallView>> CloseAsync(CloseRecall command, string? idempotencyKey);

    /// <summary>Closes the campaign when every affected vehicle is completed (called after each completion is counted).</summary>
    [Alias("CheckCompletion")]
    Task CheckCompletionAsync();

    /// <summary>
    /// Counts a recall completed on a vehicle (<paramref name="contribution"/>, final and keyed by the VIN) while the
    /// campaign is open: in the campaign's roll-up, then in <paramref name="province"/> (the vehicle's region; null:
    /// none), then closes the campaign if that made 100 %. Both counts are idempotent, so a retried report counts once.
    /// A report arriving after the closing counts nowhere, unless the closing counted it (its province count had
    /// failed): then the province gets it, since the closing took it back from there.
    /// </summary>
    [Alias("RecordCompletion")]
    Task RecordCompletionAsync(CounterContribution contribution, string? province);

    /// <summary>
    /// Records that the owner of a covered vehicle was notified (召回条例: the manufacturer informs the owners):
    /// append-only, one row per (VIN, channel, date); recording the same notification again changes nothing.
    /// </summary>
    [Alias("RecordNotification")]
    Task<Outcome<RecallNotificationView>> RecordNotificationAsync(RecordRecallNotification command);
}

/// <summary>POST /api/recalls/{campaignId}/close.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CloseRecall")]
public sealed record class CloseRecall(
    [property: Id(0)] string Reason,
    [property: Id(1)] string ClosedBy);

/// <summary>How an owner was told of a recall.</summary>
public enum NotificationChannel
{
    Letter,
    Phone,
    Sms,
    App,
    Email,
}

/// <summary>POST /api/recalls/{campaignId}/notifications.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RecordRecallNotification")]
public sealed record class RecordRecallNotification(
    [property: Id(0)] string Vin,
    [property: Id(1)] NotificationChannel Channel,
    [property: Id(2)] DateOnly NotifiedOn,
    [property: Id(3)] string RecordedBy);

/// <summary>A recorded owner notification, and the campaign's count of notified vehicles after it.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RecallNotificationView")]
public sealed record class RecallNotificationView(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string Vin,
    [property: Id(2)] NotificationChannel Channel,
    [property: Id(3)] DateOnly NotifiedOn,
    [property: Id(4)] string RecordedBy,
    [property: Id(5)] DateTimeOffset RecordedAt,
    [property: Id(6)] long Notified);

/// <summary>The open campaigns and what they cover (key <c>all</c>); vehicles ask it which campaigns apply to them.</summary>
[Alias("AfterSales.IRecallRegistryGrain")]
[Version(1)]
public interface IRecallRegistryGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(RecallDefinition campaign);

    /// <summary>Removes a closed campaign (idempotent) and pushes the list to every silo's catalog before returning.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string campaignId);

    /// <summary>The ids of the open campaigns that cover this vehicle, in campaign id order.</summary>
    [Alias("Match"), Orleans.Concurrency.AlwaysInterleave, Orleans.Concurrency.ReadOnly]
    Task<ImmutableArray<string>> MatchAsync(string vin, string model, string batch, DateOnly produced);

    [Alias("GetCampaignIds"), Orleans.Concurrency.AlwaysInterleave, Orleans.Concurrency.ReadOnly]
    Task<ImmutableArray<string>> GetCampaignIdsAsync();

    /// <summary>
    /// Subscribes (or renews) a silo's recall catalog for change notifications and returns the campaigns when the
    /// catalog's version is behind, or null when it is current. Silos call it every few seconds.
    /// </summary>
    [Alias("Sync"), Orleans.Concurrency.AlwaysInterleave]
    Task<RecallCatalogSnapshot?> SyncAsync(SiloAddress silo, IRecallCatalogObserver catalog, int knownVersion);
}

/// <summary>
/// A silo's copy of the open campaigns, so a warranty read matches campaigns in memory instead of calling the one
/// registry grain (a hot spot every read in the cluster would otherwise go through). The registry pushes each new
/// campaign to every subscribed catalog before the campaign's opening is acknowledged.
/// </summary>
[Alias("AfterSales.IRecallCatalogObserver")]
[Version(1)]
public interface IRecallCatalogObserver : IGrainObserver
{
    [Alias("Update")]
    Task UpdateAsync(RecallCatalogSnapshot snapshot);
}

/// <summary>The open campaigns at a version (a counter of the registry's changes: every campaign added or closed moves it on).</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RecallCatalogSnapshot")]
public sealed record class RecallCatalogSnapshot(
    [property: Id(0)] int Version,
    [property: Id(1)] ImmutableArray<RecallDefinition> Campaigns);

/// <summary>
/// The registered vehicles of one production batch (key: the batch). Campaigns covering the batch subscribe to it;
/// it reports every vehicle registered after a subscription to that campaign, so affected counts stay exact
/// without anyone scanning vehicles.
/// </summary>
[Alias("AfterSales.IFleetBatchGrain")]
[Version(1)]
public interface IFleetBatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a registered vehicle, or updates it (its region once delivered, campaigns that list it); idempotent.
    /// </summary>
    [Alias("Add")]
    Task AddAsync(FleetEntry entry);

    /// <summary>
    /// Subscribes a campaign (idempotent) and returns how many of the batch's vehicles it covered at subscription,
    /// leaving out the campaign's listed VINs (already counted by the campaign). <paramref name="models"/>: null when
    /// the campaign names the batch (all its vehicles), else the campaign's models this batch holds (a batch may
    /// hold several models; only their vehicles are covered).
    /// </summary>
    /// <paramref name="dated"/>: the campaign's criteria with a production-date range that reach this batch (their
    /// model, if any, and range; the vehicles matching one of them are covered too).
    [Alias("Subscribe")]
    Task<long> SubscribeAsync(string campaignId, ImmutableSortedSet<string> listedVins, ImmutableSortedSet<string>? models, ImmutableArray<RecallCriterion> dated);

    /// <summary>Drops a closed campaign (idempotent): the batch no longer counts it, nor reports it to the provinces.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(string campaignId);

    /// <summary>
    /// Records a completed repair of a fault on one of the batch's vehicles (idempotent by visit id) and reports
    /// the batch's repeat-fault signal for that fault to the month's quality report.
    /// </summary>
    [Alias("RecordRepair")]
    Task RecordRepairAsync(FleetRepair repair);
}

/// <summary>
/// A vehicle as its batch sees it: its region (the selling dealer's province; null until delivered) and the open
/// campaigns covering it. A campaign the batch does not follow yet covers the vehicle by listing its VIN: the batch
/// then follows it for the VINs so listed, to count them in the campaign's split by province.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.FleetEntry")]
public sealed record class FleetEntry(
    [property: Id(0)] string Vin,
    [property: Id(1)] string Model,
    [property: Id(2)] string? Region,
    [property: Id(3)] ImmutableArray<string> Campaigns)
{
    /// <summary>The vehicle's production date (for campaigns whose criteria have a production-date range).</summary>
    [Id(4)]
    public DateOnly? ProductionDate { get; init; }

    /// <summary>
    /// The vehicle's first entry (sent when it was registered or imported): the batch may take it as a new member
    /// without looking it up, and finds out from its own write if it was one already (a redelivered entry).
    /// </summary>
    [Id(5)]
    public bool First { get; init; }
}

/// <summary>A completed repair as the fleet index sees it.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.FleetRepair")]
public sealed record class FleetRepair(
    [property: Id(0)] string VisitId,
    [property: Id(1)] string Vin,
    [property: Id(2)] string Model,
    [property: Id(3)] string FaultCode,
    [property: Id(4)] DateOnly Date);

/// <summary>The batches of one model (key: the model), so a campaign over a model reaches batches made later too.</summary>
[Alias("AfterSales.IFleetModelGrain")]
[Version(1)]
public interface IFleetModelGrain : IGrainWithStringKey
{
    /// <summary>Records a batch of the model (idempotent) and returns the campaigns covering the model, for the batch to subscribe.</summary>
    [Alias("AddBatch")]
    Task<ImmutableArray<RecallDefinition>> AddBatchAsync(string batch);

    /// <summary>Subscribes a campaign (idempotent) and returns the model's batches so far.</summary>
    [Alias("Subscribe")]
    Task<ImmutableSortedSet<string>> SubscribeAsync(RecallDefinition campaign);

    /// <summary>Drops a closed campaign (idempotent) and tells each of the model's batches to drop it too.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(string campaignId);
}

/// <summary>POST /api/recalls.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.OpenRecall")]
public sealed record class OpenRecall(
    [property: Id(0)] string Description,
    [property: Id(1)] string Remedy,
    [property: Id(2)] ImmutableArray<string> Models,
    [property: Id(3)] ImmutableArray<string> Batches,
    [property: Id(4)] ImmutableArray<string> Vins)
{
    /// <summary>Criteria, each an intersection of model, batch and production-date range (the union of all is covered).</summary>
    [Id(5)]
    public ImmutableArray<RecallCriterion> Criteria { get; init; } = [];
}

/// <summary>
/// One criterion of a recall's scope: the vehicles of that model, of that batch and produced in that date range
/// (inclusive); each field given narrows it, at least a model or a batch is given.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RecallCriterion")]
public sealed record class RecallCriterion(
    [property: Id(0)] string? Model,
    [property: Id(1)] string? Batch,
    [property: Id(2)] DateOnly? ProducedFrom,
    [property: Id(3)] DateOnly? ProducedTo);

/// <summary>A campaign's definition as the registry and the fleet index hold it.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RecallDefinition")]
public sealed record class RecallDefinition(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] ImmutableSortedSet<string> Models,
    [property: Id(2)] ImmutableSortedSet<string> Batches,
    [property: Id(3)] ImmutableSortedSet<string> Vins)
{
    /// <summary>The explicit criteria (the listed models and batches are criteria too, kept in their own lists).</summary>
    [Id(4)]
    public ImmutableArray<RecallCriterion> Criteria { get; init; } = [];
}

/// <summary>GET /api/recalls/{campaignId}.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RecallView")]
public sealed record class RecallView(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string Description,
    [property: Id(2)] string Remedy,
    [property: Id(3)] IReadOnlyList<string> Models,
    [property: Id(4)] IReadOnlyList<string> Batches,
    [property: Id(5)] int ListedVins,
    [property: Id(6)] DateTimeOffset OpenedAt,
    [property: Id(7)] long Affected,
    [property: Id(8)] long Completed,
    [property: Id(9)] double CompletionRate,
    [property: Id(10)] IReadOnlyDictionary<string, RecallRegionProgress> ByProvince,
    [property: Id(11)] int RegionsPending)
{
    /// <summary>The explicit criteria of the scope.</summary>
    [Id(12)]
    public IReadOnlyList<RecallCriterion> Criteria { get; init; } = [];

    /// <summary>Covered vehicles whose owner was notified at least once.</summary>
    [Id(13)]
    public long Notified { get; init; }

    /// <summary>Notified vehicles by region (the vehicle's region when notified; 'unassigned' for none).</summary>
    [Id(14)]
    public IReadOnlyDictionary<string, long> NotifiedByProvince { get; init; } = ImmutableSortedDictionary<string, long>.Empty;

    [Id(15)]
    public bool Closed { get; init; }

    [Id(16)]
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The operator who closed it, or <c>system</c> when it closed at 100 % completion.</summary>
    [Id(17)]
    public string? ClosedBy { get; init; }

    [Id(18)]
    public string? CloseReason { get; init; }

    /// <summary>
    /// When an open campaign at 100 % closes itself, unless a vehicle counted meanwhile makes it incomplete (it stays
    /// at 100 % for a settling time first); null while it is below 100 % or closed.
    /// </summary>
    [Id(19)]
    public DateTimeOffset? ClosesAt { get; init; }
}

/// <summary>
/// A campaign's progress in one region: the covered vehicles sold there (by the selling dealer's province) and those
/// of them completed. <see cref="RecallCounters.Unassigned"/> holds the vehicles with no region yet.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RecallRegionProgress")]
public sealed record class RecallRegionProgress(
    [property: Id(0)] long Affected,
    [property: Id(1)] long Completed,
    [property: Id(2)] double CompletionRate)
{
    public static RecallRegionProgress Of(long affected, long completed) =>
        new(affected, completed, affected == 0 ? 0 : Math.Round((double)completed / affected, 4));
}

/// <summary>The registry's key: one registry for the whole network.</summary>
public static class RecallRegistry
{
    public const string Key = "all";
}

/// <summary>Scopes and counters the recall events use in the counter roll-ups.</summary>
public static class RecallCounters
{
    /// <summary>The counter roll-up scope of a campaign: <c>recall:{campaignId}</c>.</summary>
    public static string Scope(string campaignId) => "recall:" + campaignId;

    /// <summary>Completions by the vehicle's region (its selling dealer's province): <c>completed:{province}</c>.</summary>
    public const string CompletedInPrefix = "completed:";

    /// <summary>Covered vehicles by region, reported by their batches: <c>affected:{province}</c>.</summary>
    public const string AffectedInPrefix = "affected:";

    /// <summary>
    /// The region of covered vehicles not yet delivered, sold by a dealer that is not a registered station, or
    /// listed but not registered (or not yet reached): the campaign's affected count less the regions' sum.
    /// </summary>
    public const string Unassigned = "unassigned";
}
