namespace AfterSales.Interfaces.Common;

/// <summary>
/// An entry of the call's <c>RequestContext</c> addressed to one grain (<c>"{grainId}\n{value}"</c>): the API sets it
/// for the call it is about to make, and only that grain takes it, so the grains its command calls in turn never act
/// on it. Text only: a silo of a release that does not know the key reads the call as before and ignores the entry.
/// </summary>
public static class AddressedCallContext
{
    /// <summary>Addresses <paramref name="value"/> under <paramref name="key"/> to <paramref name="grain"/> for the calls that follow.</summary>
    public static void Set(string key, GrainId grain, string value) => RequestContext.Set(key, grain.ToString() + "\n" + value);

    /// <summary>
    /// The value under <paramref name="key"/> if it is addressed to <paramref name="grain"/>, taken out of the call's
    /// context; null (and the entry left as it is) otherwise.
    /// </summary>
    public static string? Take(string key, GrainId grain)
    {
        if (RequestContext.Get(key) is not string entry)
        {
            return null;
        }

        var split = entry.IndexOf('\n', StringComparison.Ordinal);
        if (split < 0 || !entry.AsSpan(0, split).SequenceEqual(grain.ToString()))
        {
            return null;
        }

        RequestContext.Remove(key);
        return entry[(split + 1)..];
    }
}
