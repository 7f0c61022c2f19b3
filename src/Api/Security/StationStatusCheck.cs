using System.Security.Claims;
using AfterSales.Api.Http;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.Caching.Memory;

namespace AfterSales.Api.Security;

/// <summary>
/// A suspended or revoked station stops acting within seconds, whatever its token's expiry: each station caller's
/// authorisation is asked of its station grain and kept for <see cref="KeptFor"/> per host. A station code no grain
/// knows (not registered) is let through: the routes themselves refuse what it may not do.
/// </summary>
public sealed class StationStatusCheck(RequestDelegate next, IClusterClient cluster, TimeProvider time)
{
    /// <summary>How long a station's authorisation is trusted on this host before it is asked again.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(5);

    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = 50_000, Clock = new TimeProviderClock(time) });

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.IsInRole(Roles.Station) && context.User.FindFirstValue(Roles.StationClaim) is { Length: > 0 } station
            && await AuthorisationAsync(station) is { } state && state != StationAuthorisation.Active)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await Problems.Of(ProblemCodes.StationSuspended,
                $"Station {station} is {state.ToString().ToLowerInvariant()}: its callers may not act until it is reinstated.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private async Task<StationAuthorisation?> AuthorisationAsync(string station)
    {
        if (_kept.TryGetValue(station, out StationAuthorisation? known))
        {
            return known;
        }

        var view = await cluster.Grain<IServiceStationGrain>(station.Trim().ToUpperInvariant()).GetAsync();
        var state = view.Value?.Authorisation;
        _kept.Set(station, state, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = KeptFor });
        return state;
    }

    /// <summary>The cache's clock is the host's, so a test's fake clock expires entries.</summary>
    private sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
