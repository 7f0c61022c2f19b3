using System.Collections.Immutable;
using AfterSales.Domain.Warranty;
using AfterSales.Grains.Catalogue;
using AfterSales.Grains.Common;
using AfterSales.Grains.Recalls;
using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Privacy;
using AfterSales.Interfaces.Recalls;
using AfterSales.Interfaces.Reports;
using AfterSales.Interfaces.Vehicles;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Vehicles;

/// <summary>
/// One vehicle per VIN. Commands are decided by <see cref="VehicleDecisions"/>, written once, and only then
/// become the grain's state: a failed write leaves the previous state in place and nothing is acknowledged.
/// </summary>
[ProvinceHomedPlacement(stateName: VehicleState.StateName, provincePath: "region")]
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class VehicleGrain : Grain, IVehicleGrain, IOutboxOwner
{
    private readonly VehicleGrainServices _services;

    // Read straight through the grain storage (not Orleans' state bridge): a silo holds vehicles by the million.
    private readonly DirectGrainState<VehicleState> _state;

    // The registry's last answer in this activation, used if the registry cannot be reached (default: none yet).
    private ImmutableArray<string> _lastCovering;

    private DurableState<VehicleState>? _durable;
    private IdempotencyKeys<RememberedRequest>? _keys;

    private string Vin => this.GetPrimaryKeyString();

    private IdempotencyKeys<RememberedRequest> Keys => _keys ??= new(_services.Rows, VehicleState.StateName, Vin, _services.Options.IdempotencyWindow, _services.Time, _state.RecordExists);

    private DurableState<VehicleState> Durable => _durable ??= new(_state, this, GrainFactory, _services.Logger, "Vehicle");

    public VehicleGrain(VehicleGrainServices services)
    {
        _services = services;
        _state = new DirectGrainState<VehicleState>(services.Storage, VehicleState.StateName, GrainContext);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _state.ReadStateAsync();
        if (!_state.State.Outbox.IsDefaultOrEmpty)
        {
            Durable.ResumePending();
        }

        _services.Homes.GoHomeIfAway(_state.State.Region, MigrateOnIdle);
        await base.OnActivateAsync(cancellationToken);
    }

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    private DateTimeOffset Now => _services.Time.GetUtcNow();

    private DateOnly Today => DateOnly.FromDateTime(Now.ToOffset(_services.Options.BusinessUtcOffset).DateTime);

    public async Task<Outcome<VehicleView>> RegisterAsync(RegisterVehicle command, string? idempotencyKey) =>
        await ExecuteAsync(nameof(RegisterAsync), command, idempotencyKey, created: true,
            s => VehicleDecisions.Register(s, command, Vin, Today), indexes: true);

    public async Task<Outcome<VehicleView>> DeliverAsync(DeliverVehicle command, string? idempotencyKey)
    {
        var region = await RegionOfAsync(command);
        var delivered = await ExecuteAsync(nameof(DeliverAsync), command, idempotencyKey, created: false,
            s => InRegion(VehicleDecisions.Deliver(s, command, Today, Now, _services.Options.BusinessUtcOffset), region), indexes: true);
        _services.Homes.GoHomeIfAway(_state.State.Region, MigrateOnIdle);
        return delivered;
    }

    public Task<Outcome<VehicleView>> RecordOdometerAsync(RecordOdometer command, string? idempotencyKey) =>
        ExecuteAsync(nameof(RecordOdometerAsync), command, idempotencyKey, created: false,
            s => VehicleDecisions.RecordOdometer(s, command, Now, _services.Options));

    public Task<Outcome<VehicleView>> CorrectOdometerAsync(CorrectOdometer command, string? idempotencyKey) =>
        ExecuteAsync(nameof(CorrectOdometerAsync), command, idempotencyKey, created: false,
            s => VehicleDecisions.CorrectOdometer(s, command, Now));

    public Task<Outcome<VehicleView>> TransferOwnershipAsync(TransferOwnership command, string? idempotencyKey) =>
        ExecuteAsync(nameof(TransferOwnershipAsync), command, idempotencyKey, created: false,
            s => VehicleDecisions.TransferOwnership(s, command, Today));

    public Task<Outcome<VehicleView>> ErasePreviousOwnersAsync(ErasePreviousOwners command, string? idempotencyKey) =>
        ExecuteAsync(nameof(ErasePreviousOwnersAsync), command, idempotencyKey, created: false,
            s => VehicleDecisions.ErasePreviousOwners(s, command, Now));

    public async Task<Outcome<VehicleView>> EndLifeAsync(EndVehicleLife command, string? idempotencyKey)
    {
        // A case that was never written (its opening died after holding the vehicle) must not block the vehicle for good.
        var heldCaseOpen = _state.State.OpenBuybackCase is { } held && await HoldsAsync(held);
        return await ExecuteAsync(nameof(EndLifeAsync), command, idempotencyKey, created: false,
            s => VehicleDecisions.EndLife(s, command, Now, Today, _services.Options, heldCaseOpen));
    }

    public async Task<Outcome<BuybackEntitlement>> OpenBuybackCaseAsync(string caseId, BuybackRequestKind request, string article)
    {
        var current = _state.State;
        if (!current.IsRegistered)
        {
            DeactivateIfUnregistered();
            return NotRegistered();
        }

        var otherCaseOpen = current.OpenBuybackCase is { } held && held != caseId && await HoldsAsync(held);

        var assessment = WarrantyRules.Assess(current.ToFacts(), current.Visits.ToArchive(), Today, current.OdometerKm, Now, _services.Options.Warranty, await _services.Catalogue.GetAsync(GrainFactory));
        var decision = VehicleDecisions.OpenBuybackCase(current, caseId, request, article, assessment, _services.Options.Warranty, otherCaseOpen, out var granted);
        if (decision.Refusal is { } refusal)
        {
            return refusal;
        }

        if (decision.Next is { } next)
        {
            await CommitAsync(next);
        }

        return Outcome<BuybackEntitlement>.Ok(granted!);
    }

    /// <summary>
    /// Whether the case the vehicle holds still holds it. Only a case that was never written lets go (its opening died
    /// after asking here): one being opened, or one closed whose closure has not reached the vehicle yet, still holds
    /// it, so no second case can open, and pay out, meanwhile.
    /// </summary>
    private async Task<bool> HoldsAsync(string caseId)
    {
        var held = await GrainFactory.Grain<IBuybackCaseGrain>(caseId).GetAsync();
        return held.Refusal is not { Status: OutcomeStatus.NotFound };
    }

    public async Task<Outcome<VehicleView>> CloseBuybackCaseAsync(BuybackClosure closure)
    {
        var decision = VehicleDecisions.CloseBuybackCase(_state.State, closure);
        if (decision.Refusal is { } refusal)
        {
            DeactivateIfUnregistered();
            return refusal.Status == OutcomeStatus.NotFound ? NotRegistered() : refusal;
        }

        if (decision.Next is { } next)
        {
            await CommitAsync(next);
        }

        return Outcome<VehicleView>.Ok(_state.State.ToView());
    }

    public async Task<Outcome<VehicleView>> ImportAsync(VehicleImport import, string? idempotencyKey)
    {
        var region = import.Delivery is { } delivery ? await RegionOfAsync(delivery) : null;
        var parts = await _services.Catalogue.GetAsync(GrainFactory);
        var imported = await ExecuteAsync(nameof(ImportAsync), import, idempotencyKey, created: true,
            s => InRegion(VehicleDecisions.Import(s, import, Vin, Today, Now, _services.Options, parts), region),
            next => import.Visits.SelectMany(v => RecallDone(next, v)), indexes: true, remembersView: false);
        _services.Homes.GoHomeIfAway(_state.State.Region, MigrateOnIdle);
        return imported;
    }

    public async Task<string?> JoinListedRecallAsync(string campaignId)
    {
        if (_state.State.Identity is not { } identity)
        {
            DeactivateIfUnregistered();
            return null;
        }

        await GrainFactory.Grain<IFleetBatchGrain>(identity.Batch).AddAsync(
            new FleetEntry(Vin, identity.Model, _state.State.Region, [campaignId]) { ProductionDate = identity.ProductionDate });
        return identity.Batch;
    }

    /// <summary>
    /// The selling dealer's province, which is the vehicle's region in recall progress. Asked only when the delivery
    /// will be decided (registered, not yet delivered); a dealer that is not a registered station gives no region.
    /// </summary>
    private async Task<string?> RegionOfAsync(DeliverVehicle delivery)
    {
        if (_state.State.DealerCode is not null || string.IsNullOrWhiteSpace(delivery.DealerCode))
        {
            return _state.State.Region;
        }

        // An interleaving query: the station may be awaiting this vehicle right now (a work order's reading).
        return await GrainFactory.Grain<Interfaces.Stations.IServiceStationGrain>(delivery.DealerCode.Trim().ToUpperInvariant()).GetProvinceAsync();
    }

    private static Decision InRegion(Decision decision, string? region) =>
        decision.Next is { } next && next.Region is null && region is not null ? decision with { Next = next with { Region = region } } : decision;

    public Task<Outcome<RepairRecordView>> AppendVisitAsync(CompletedVisit visit, string? idempotencyKey) =>
        Durable.CatchingUpAsync(() => AppendVisitOnceAsync(visit, idempotencyKey));

    private async Task<Outcome<RepairRecordView>> AppendVisitOnceAsync(CompletedVisit visit, string? idempotencyKey)
    {
        var fingerprint = RequestFingerprint.Of(nameof(AppendVisitAsync), visit);
        if (await ReplayAsync(idempotencyKey, fingerprint) is { } replay)
        {
            // What the first attempt owed is in the outbox with it, delivered then or since; a retry pushes it again.
            if (Durable.HasPending)
            {
                await Durable.DeliverAsync();
            }

            return replay.Refusal is { } refused ? refused : Outcome<RepairRecordView>.Ok(replay.Record!);
        }

        if (Preconditions.Check(this, _state.State.Revision, _state.State.IsRegistered, $"Vehicle {Vin}") is { } stale)
        {
            return stale;
        }

        var decision = VehicleDecisions.AppendVisit(_state.State, visit, Now, _services.Options, await _services.Catalogue.GetAsync(GrainFactory), out var entry);
        if (decision.Refusal is { } refusal)
        {
            DeactivateIfUnregistered();
            return refusal.Status == OutcomeStatus.NotFound ? NotRegistered() : refusal;
        }

        var view = entry!.ToView();
        var next = decision.Next ?? _state.State;
        if (decision.Next is not null)
        {
            // A changed visit owes the roll-ups what it now counts for, in the same write.
            next = next.Send(RepairDone(next, view.Visit).Concat(RecallDone(next, view.Visit)));
        }

        if (decision.Next is not null || idempotencyKey is not null)
        {
            await CommitAsync(Remember(next, idempotencyKey, fingerprint, null, view, created: false));
        }

        if (Durable.HasPending)
        {
            await Durable.DeliverAsync();
        }

        return Outcome<RepairRecordView>.Ok(view);
    }

    /// <summary>
    /// A recall visit completes the campaign on this vehicle: a final contribution keyed by the VIN, which the campaign
    /// counts (in the vehicle's region) and passes on to that province while it is open, so appending or importing it
    /// again counts nothing twice, and a completion arriving after the closing is not left in the province's count.
    /// </summary>
    private IEnumerable<OutboxMessage> RecallDone(VehicleState vehicle, CompletedVisit visit)
    {
        if (visit.Kind != VisitKind.Recall || visit.RecallCampaignId is not { } campaignId || visit.CompletedAt is null || visit.Cancelled)
        {
            yield break;
        }

        var region = vehicle.Region;
        var one = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(CounterNames.RecallCompleted, 1L)]);
        yield return new RecallCompletionReport(campaignId,
            new CounterContribution(Vin, 1, one.Add(RecallCounters.CompletedInPrefix + (region ?? RecallCounters.Unassigned), 1), Final: true))
        {
            Id = "recall:" + campaignId,
            Province = region,
        };
    }

    /// <summary>
    /// A completed repair feeds the quality report of the month of its business date (a final contribution keyed by
    /// the visit, so delivering it again counts nothing twice) and the batch's repeat-fault watch (idempotent by visit).
    /// </summary>
    private IEnumerable<OutboxMessage> RepairDone(VehicleState vehicle, CompletedVisit visit)
    {
        // Only repairs carried out count: a running one reports when it completes, a cancelled one never.
        if (visit.Kind != VisitKind.Repair || string.IsNullOrEmpty(visit.FaultCode) || visit.CompletedAt is not { } completed || visit.Cancelled
            || vehicle.Identity is not { } identity)
        {
            yield break;
        }

        var fault = visit.FaultCode;
        var date = _services.Options.Warranty.DateOf(completed);
        var component = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(visit.System.ToString());
        var counters = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, long>
        {
            [QualityCounters.Repairs] = 1,
            [QualityCounters.ModelPrefix + identity.Model] = 1,
            [QualityCounters.ComponentPrefix + component] = 1,
            [QualityCounters.FaultPrefix + fault] = 1,
            [QualityCounters.CombinationPrefix + string.Join(QualityCounters.Separator, identity.Model, component, fault)] = 1,
        });
        var repair = new CounterContribution("repair:" + visit.VisitId, 1, counters, Final: true);
        yield return new RollupReport(QualityCounters.Scope(date.Year, date.Month), repair) { Id = "repair:" + visit.VisitId };
        // The same repair in its ISO week's summary (a year is read as its twelve months).
        yield return new RollupReport(QualityCounters.WeekScope(ReportPeriods.Week(date)), repair) { Id = "repair-week:" + visit.VisitId };
        yield return new FleetRepairReport(identity.Batch, new FleetRepair(visit.VisitId, Vin, identity.Model, fault, date)) { Id = "fleet:" + visit.VisitId };
    }

    public Task<Outcome<VehicleView>> GetAsync()
    {
        if (!_state.State.IsRegistered)
        {
            DeactivateIfUnregistered();
            return Task.FromResult<Outcome<VehicleView>>(NotRegistered());
        }

        return Task.FromResult(Outcome<VehicleView>.Ok(_state.State.ToView()));
    }

    public async Task<Outcome<WarrantyView>> GetWarrantyAsync(DateOnly? asOf, int? mileageKm)
    {
        var current = _state.State;
        if (!current.IsRegistered)
        {
            DeactivateIfUnregistered();
            return NotRegistered();
        }

        var date = asOf ?? Today;
        var mileage = mileageKm ?? MileageOn(current, date, _services.Options.Warranty);
        var assessment = WarrantyRules.Assess(current.ToFacts(), current.Visits.ToArchive(), date, mileage, Now, _services.Options.Warranty, await _services.Catalogue.GetAsync(GrainFactory));
        AfterSalesMetrics.WarrantyAnswered();
        if (AfterSalesMetrics.CountsGrantedEntitlements)
        {
            foreach (var entitlement in assessment.Entitlements)
            {
                if (entitlement.Status == Domain.Warranty.EntitlementStatus.Granted)
                {
                    AfterSalesMetrics.EntitlementGranted(entitlement.Article);
                }
            }
        }

        return Outcome<WarrantyView>.Ok(assessment.ToView(current, await OpenRecallsAsync(current)));
    }

    /// <summary>
    /// The campaigns covering this vehicle that no recall visit has completed yet. The silo's recall catalog answers
    /// in memory; the registry pushes every new campaign to it before the opening is acknowledged, so a campaign
    /// opened a moment ago shows at once, whenever the vehicle was registered. Only when the catalog cannot be
    /// trusted (not yet synced, or out of touch with the registry) is the registry asked directly.
    /// </summary>
    private async Task<ImmutableArray<string>> OpenRecallsAsync(VehicleState current)
    {
        var identity = current.Identity!;
        var covering = _services.Recalls.Match(Vin, identity.Model, identity.Batch, identity.ProductionDate) ?? await AskRegistryAsync(identity);
        if (covering.IsEmpty)
        {
            return [];
        }

        var completed = current.Visits
            .Where(v => v.Kind == VisitKind.Recall && v.RecallCampaignId is not null)
            .Select(v => v.RecallCampaignId!)
            .ToHashSet(StringComparer.Ordinal);
        return [.. covering.Where(id => !completed.Contains(id))];
    }

    private async Task<ImmutableArray<string>> AskRegistryAsync(VehicleIdentity identity)
    {
        try
        {
            var covering = await GrainFactory.Grain<IRecallRegistryGrain>(RecallRegistry.Key).MatchAsync(Vin, identity.Model, identity.Batch, identity.ProductionDate);
            _lastCovering = covering;
            return covering;
        }
        catch (Exception ex) when ((_services.Recalls.Match(Vin, identity.Model, identity.Batch, identity.ProductionDate, evenIfStale: true) ?? NoneIfDefault(_lastCovering)) is { } known)
        {
            // The registry is unreachable (say, it must be re-activated while the database is down): keep answering
            // with the campaigns last heard of rather than failing the read.
            LogRegistryUnavailable(_services.Logger, ex, Vin);
            return known;
        }
        catch (Exception ex) when (ex is not ServiceUnavailableException)
        {
            LogRegistryUnavailable(_services.Logger, ex, Vin);
            throw new ServiceUnavailableException($"Vehicle {Vin}: the recall registry could not be asked; retry.");
        }
    }

    private static ImmutableArray<string>? NoneIfDefault(ImmutableArray<string> covering) => covering.IsDefault ? null : covering;

    /// <summary>
    /// What the vehicle owes its batch in the fleet index once registered or delivered: itself, its region and the
    /// campaigns covering it (the batch adds a VIN once and learns its region once).
    /// </summary>
    private async Task<OutboxMessage> IndexEntryAsync(string operation, VehicleState next, bool first)
    {
        var identity = next.Identity!;
        var campaigns = _services.Recalls.Match(Vin, identity.Model, identity.Batch, identity.ProductionDate) ?? await AskRegistryAsync(identity);
        return new FleetIndexEntry(identity.Batch, new FleetEntry(Vin, identity.Model, next.Region, campaigns) { ProductionDate = identity.ProductionDate, First = first }) { Id = "fleet:" + operation };
    }

    public Task<Outcome<RepairHistoryPage>> GetHistoryAsync(int limit, string? cursor)
    {
        if (!_state.State.IsRegistered)
        {
            DeactivateIfUnregistered();
            return Task.FromResult<Outcome<RepairHistoryPage>>(NotRegistered());
        }

        // Visits are kept in the order they were recorded; a late-entered older visit still sorts by its date. The
        // cursor names the last visit of the previous page (visits are never removed), so a visit recorded between
        // two pages does not shift the next one.
        var newestFirst = _state.State.Visits.Reverse().OrderByDescending(v => v.AgreedAt).ToList();
        var start = 0;
        if (cursor is not null)
        {
            var after = PageCursor.Decode(cursor) is { } visitId ? newestFirst.FindIndex(v => v.VisitId == visitId) : -1;
            if (after < 0)
            {
                return Task.FromResult<Outcome<RepairHistoryPage>>(Refusal.Invalid("cursor", "cursor is not one this vehicle's history gave; start again without it."));
            }

            start = after + 1;
        }

        var page = newestFirst.Skip(start).Take(Math.Clamp(limit, 1, 500)).ToList();
        var next = start + page.Count < newestFirst.Count ? PageCursor.Encode(page[^1].VisitId) : null;
        return Task.FromResult(Outcome<RepairHistoryPage>.Ok(new RepairHistoryPage([.. page.Select(v => v.ToView())], next)));
    }

    /// <summary>The common path of the vehicle commands: replay a known key, decide, write once, remember the key.</summary>
    /// <param name="remembersView">
    /// False for an import: its caller, the bulk endpoint, answers each item with its status alone, so the key's row
    /// keeps the outcome without the vehicle's view, which would copy the owner's name and phone into it (677 bytes a
    /// row instead of 155). A replay of such a key answers with the vehicle as it stands.
    /// </param>
    private Task<Outcome<VehicleView>> ExecuteAsync<TCommand>(
        string operation, TCommand command, string? idempotencyKey, bool created, Func<VehicleState, Decision> decide,
        Func<VehicleState, IEnumerable<OutboxMessage>>? owes = null, bool indexes = false, bool remembersView = true)
    {
        var fingerprint = RequestFingerprint.Of(operation, command);
        // Taken before the first attempt, so a command run again after another activation's write records it too.
        var read = AddressedCallContext.Take(PersonalDataReads.RecordWithWriteKey, GrainContext.GrainId) is { } handedOver
            ? PersonalDataReads.Parse(handedOver, PersonalDataSubject.Vehicle, Vin)
            : null;
        return Durable.CatchingUpAsync(() => ExecuteOnceAsync(operation, idempotencyKey, fingerprint, read, created, decide, owes, indexes, remembersView), operation);
    }

    private async Task<Outcome<VehicleView>> ExecuteOnceAsync(
        string operation, string? idempotencyKey, string fingerprint, PersonalDataRead? read, bool created, Func<VehicleState, Decision> decide,
        Func<VehicleState, IEnumerable<OutboxMessage>>? owes, bool indexes, bool remembersView)
    {
        if (await ReplayAsync(idempotencyKey, fingerprint) is { } replay)
        {
            // What the first attempt owed is in the outbox with it, delivered then or since; a retry pushes it again.
            if (Durable.HasPending)
            {
                await Durable.DeliverAsync();
            }

            if (replay.Refusal is { } refused)
            {
                return refused;
            }

            var replayed = replay.Vehicle ?? _state.State.ToView();
            var again = await RecordReadAsync(read, replayed, write: null);
            return (replay.Created ? Outcome<VehicleView>.Created(replayed) : Outcome<VehicleView>.Ok(replayed)) with { PersonalDataReadRecorded = again };
        }

        if (Preconditions.Check(this, _state.State.Revision, _state.State.IsRegistered, $"Vehicle {Vin}") is { } stale)
        {
            return stale;
        }

        var decision = decide(_state.State);
        if (decision.Refusal is { } refusal)
        {
            DeactivateIfUnregistered();
            return refusal.Status == OutcomeStatus.NotFound ? NotRegistered() : refusal;
        }

        // The reply names the version the write makes.
        var next = decision.Next?.Revised(_state.State) ?? _state.State;
        if (decision.Next is not null && owes is not null)
        {
            next = next.Send(owes(next));
        }

        if (decision.Next is not null && indexes && next.Identity is not null)
        {
            // A command that creates the vehicle sends its first entry.
            next = next.Send(await IndexEntryAsync(operation, next, first: created));
        }

        var view = next.ToView();
        var recorded = await RecordReadAsync(read, view, decision.Next is not null || idempotencyKey is not null
            ? CommitAsync(Remember(next, idempotencyKey, fingerprint, remembersView ? view : null, null, created))
            : null);

        if (Durable.HasPending)
        {
            await Durable.DeliverAsync();
        }

        return (created ? Outcome<VehicleView>.Created(view) : Outcome<VehicleView>.Ok(view)) with { PersonalDataReadRecorded = recorded };
    }

    /// <summary>
    /// Awaits <paramref name="write"/> (if any) and, when the API asked for it and <paramref name="reply"/> shows an owner,
    /// records <paramref name="read"/> in the personal-data log while the write commits; true if it was recorded. The log
    /// then holds a row for every reply that shows the owner. A write that fails after its read was recorded leaves a
    /// row for a reply never sent, as a reply lost on its way does.
    /// </summary>
    private async Task<bool> RecordReadAsync(PersonalDataRead? read, VehicleView reply, Task? write)
    {
        if (read is null || reply.Owner is null || _services.PersonalData is not { } log)
        {
            if (write is not null)
            {
                await write;
            }

            return false;
        }

        var append = log.AppendAsync(read);
        await (write is null ? append : Task.WhenAll(write, append));
        return true;
    }

    private async ValueTask<(Refusal? Refusal, VehicleView? Vehicle, RepairRecordView? Record, bool Created)?> ReplayAsync(string? key, string fingerprint)
    {
        if (key is null || await Keys.FindAsync(key) is not { } remembered)
        {
            return null;
        }

        return remembered.Fingerprint != fingerprint
            ? (Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{key}' was already used for a different request to this vehicle."), null, null, false)
            : (null, remembered.Vehicle, remembered.Record, remembered.Created);
    }

    /// <summary>The key and its reply go with the change, as a row of their own (kept for the window, whatever their number).</summary>
    private VehicleState Remember(VehicleState next, string? key, string fingerprint, VehicleView? vehicle, RepairRecordView? record, bool created) =>
        key is null ? next : next with { NewRows = [IdempotencyKeys<RememberedRequest>.Row(new RememberedRequest(key, fingerprint, Now, vehicle, record, created))] };

    /// <summary>Makes <paramref name="next"/> and its outbox durable, then current (the shared failure policy).</summary>
    private async Task CommitAsync(VehicleState next)
    {
        await Durable.CommitAsync(WithArchiveRows(_state.State, next));
        Keys.Written(next.NewRows);
    }

    /// <summary>
    /// The archive entries <paramref name="next"/> added or changed against <paramref name="current"/> (entries are
    /// immutable and only appended or replaced in place, so a changed one is a different object), as rows to write.
    /// </summary>
    private static VehicleState WithArchiveRows(VehicleState current, VehicleState next)
    {
        var (before, after) = (current.Visits, next.Visits);
        if (after == before)
        {
            return next.VisitCount == after.Length ? next : next with { VisitCount = after.Length };
        }

        var rows = ImmutableArray.CreateBuilder<TypedRow<StoredVisit>>();
        for (var i = 0; i < after.Length; i++)
        {
            if (i >= before.Length || !ReferenceEquals(before[i], after[i]))
            {
                rows.Add(new TypedRow<StoredVisit>(VehicleState.ArchiveRowKind, after[i].VisitId, new StoredVisit(i, after[i])));
            }
        }

        return next with { VisitCount = after.Length, NewRowsVisits = rows.Count == 0 ? null : rows.ToImmutable() };
    }

    private static int MileageOn(VehicleState vehicle, DateOnly date, WarrantyPolicy policy)
    {
        var latest = 0;
        foreach (var reading in vehicle.OdometerLog)
        {
            if (policy.DateOf(reading.ReadAt) <= date)
            {
                latest = Math.Max(latest, reading.Km);
            }
        }

        return vehicle.OdometerReadAt is not { } last || date >= policy.DateOf(last) ? vehicle.OdometerKm : latest;
    }

    // A key that is not a VIN at all (wrong check digit, I/O/Q) is bad input, not an unknown vehicle.
    private Refusal NotRegistered() => Domain.Vehicles.Vin.TryValidate(Vin, out var error)
        ? Refusal.NotFound(ProblemCodes.VehicleNotRegistered, "No vehicle with this VIN is registered.")
        : Refusal.Invalid("vin", error);

    // An unknown or invalid VIN should not keep an activation alive.
    private void DeactivateIfUnregistered()
    {
        if (!_state.State.IsRegistered)
        {
            DeactivateOnIdle();
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Vehicle {Vin}: the recall registry could not be asked")]
    private static partial void LogRegistryUnavailable(ILogger logger, Exception exception, string vin);

}
