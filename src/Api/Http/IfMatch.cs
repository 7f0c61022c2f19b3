using AfterSales.Interfaces.Common;

namespace AfterSales.Api.Http;

/// <summary>
/// A write's <c>If-Match</c>, handed to the grain that holds the entity with the call (see
/// <see cref="EntityVersions"/>): the grain compares it with its version as part of the command, so two writers that
/// read the same version cannot both win. Without the header the write behaves as it always did.
/// </summary>
public static class IfMatch
{
    /// <summary>Addresses the request's <c>If-Match</c>, if any, to <paramref name="grain"/> for the calls that follow.</summary>
    public static T For<T>(HttpRequest request, T grain) where T : IAddressable
    {
        if (request.Headers.IfMatch.ToString() is { Length: > 0 } tags)
        {
            AddressedCallContext.Set(EntityVersions.IfMatchKey, grain.GetGrainId(), tags);
        }

        return grain;
    }
}
