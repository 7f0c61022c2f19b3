using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Network;

/// <summary>
/// The national roll-up: the latest totals of each province (pushed by the province groups, newest sequence wins),
/// so the answer costs one pass over the provinces whatever the number of stations. Provinces are durable; their
/// totals are pulled again when this grain activates.
/// </summary>
public sealed partial class NetworkGrain(
    [PersistentState("network", GrainStorage.Name)] IPersistentState<NetworkState> state,
    ILogger<NetworkGrain> logger) : Grain, INetworkGrain
{
    private readonly Dictionary<string, VersionedTotals> _provinces = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var names = state.State.Provinces.ToList();
        var totals = await Task.WhenAll(names.Select(p => GrainFactory.Grain<IStationGroupGrain>(GroupKeys.Province(p)).GetTotalsAsync()));
        for (var i = 0; i < names.Count; i++)
        {
            _provinces[names[i]] = totals[i];
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task ApplyProvinceAsync(string province, VersionedTotals totals)
    {
        if (_provinces.TryGetValue(province, out var held) && held.Sequence >= totals.Sequence)
        {
            return;
        }

        if (!state.State.Provinces.Contains(province))
        {
            var previous = state.State;
            state.State = previous with { Provinces = previous.Provinces.Add(province) };
            try
            {
                await state.WriteStateAsync();
            }
            catch (Exception ex)
            {
                state.State = previous;
                DeactivateOnIdle();
                LogWriteFailed(logger, ex);
                throw new ServiceUnavailableException("The national roll-up could not store a new province; retry.");
            }
        }

        _provinces[province] = totals;
    }

    public Task<RollupView> GetSummaryAsync()
    {
        var sum = StationTotals.Zero;
        var byProvince = new SortedDictionary<string, StationTotals>(StringComparer.Ordinal);
        foreach (var (name, totals) in _provinces)
        {
            sum = sum.Plus(totals.Totals);
            byProvince[name] = totals.Totals;
        }

        return Task.FromResult(RollupView.Of(GroupKeys.National, sum, byProvince));
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "National roll-up: state write failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
