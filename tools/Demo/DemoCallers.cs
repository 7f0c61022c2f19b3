using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AfterSales.Client;

namespace AfterSales.Demo;

/// <summary>
/// The demo's callers, each with its own role's token, as the README's role table has them: the operator registers
/// the network and closes, the warranty department opens recalls, the parts department runs the depots, the call
/// centre takes complaints, assigns the queue, calls back and surveys, and every station does its own work with a
/// token for its own code. All share one transport.
/// </summary>
public sealed class DemoCallers(Func<string, string?, AfterSalesApi> create)
{
    private readonly ConcurrentDictionary<(string Role, string? Station), AfterSalesApi> clients = new();

    public AfterSalesApi Operator => As("operator");

    public AfterSalesApi Warranty => As("warranty");

    public AfterSalesApi Parts => As("parts");

    public AfterSalesApi CallCentre => As("callCentre");

    /// <summary>The station <paramref name="code"/> itself (a station token acts only for its own code).</summary>
    public AfterSalesApi Station(string code) => As("station", code);

    private AfterSalesApi As(string role, string? station = null) => clients.GetOrAdd((role, station), k => create(k.Role, k.Station));
}

/// <summary>
/// Development tokens for the demo's callers: HS256 JWTs signed with the API's key (<c>Auth__SigningKey</c>, which
/// ./run.sh exports; issuer and audience from <c>Auth__Issuer</c>/<c>Auth__Audience</c> or the defaults), as the
/// silo's <c>token</c> command makes them. Only for a development deployment: elsewhere tokens come from the identity provider.
/// </summary>
public static class DemoTokens
{
    /// <summary>A token for <paramref name="role"/> (and <paramref name="station"/>), valid for <paramref name="lifetime"/> from now.</summary>
    public static string Issue(string signingKey, string issuer, string audience, string role, string? station, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = station is null ? $"demo-{role}" : $"demo-{role}-{station}", ["role"] = role, ["iss"] = issuer, ["aud"] = audience,
            ["iat"] = now, ["nbf"] = now, ["exp"] = now + (long)lifetime.TotalSeconds,
        };
        if (station is not null)
        {
            claims["station"] = station;
        }

        var signed = $"{Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8)}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes(signed));
        return $"{signed}.{Base64Url(signature)}";
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
