using AfterSales.Grains.Catalogue;
using AfterSales.Grains.Common;
using AfterSales.Grains.Privacy;
using AfterSales.Grains.Recalls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace AfterSales.Grains.Vehicles;

/// <summary>
/// What every vehicle grain uses from its silo, resolved once per silo. A silo holds up to millions of active
/// vehicles; each keeps one reference to this instead of eight references of its own.
/// </summary>
public sealed class VehicleGrainServices(
    [FromKeyedServices(GrainStorage.Name)] IGrainStorage storage,
    IOptions<VehicleOptions> options,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    RecallCatalog recalls,
    PartsCatalogueCopy catalogue,
    IGrainRowReader rows,
    IHomeRegions homes,
    ILogger<VehicleGrain> logger,
    IPersonalDataLog? personalData = null)
{
    /// <summary>Where vehicle states are read and written (see <see cref="DirectGrainState{TState}"/>).</summary>
    public IGrainStorage Storage { get; } = storage;

    public VehicleOptions Options { get; } = options.Value;

    /// <summary>The business clock.</summary>
    public TimeProvider Time { get; } = time;

    public RecallCatalog Recalls { get; } = recalls;

    public PartsCatalogueCopy Catalogue { get; } = catalogue;

    public IGrainRowReader Rows { get; } = rows;

    public IHomeRegions Homes { get; } = homes;

    public ILogger<VehicleGrain> Logger { get; } = logger;

    /// <summary>
    /// Where a write records the read of the owner its reply makes, when the API hands it over
    /// (<see cref="AfterSales.Interfaces.Privacy.PersonalDataReads"/>); none in a silo without the log (the in-memory
    /// test clusters), whose grains leave the read to the API.
    /// </summary>
    public IPersonalDataLog? PersonalData { get; } = personalData;
}
