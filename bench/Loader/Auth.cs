using System.Net.Http.Headers;
using AfterSales.Client;

namespace AfterSales.Bench.Loader;

/// <summary>Every /api route needs a bearer token: the loader takes it from BENCH_TOKEN (bench/run.sh makes one).</summary>
internal static class Auth
{
    public const string TokenVariable = "BENCH_TOKEN";

    /// <summary>
    /// The typed client of the API at <paramref name="api"/>, calling with BENCH_TOKEN: an Idempotency-Key on every
    /// write, and lost replies, 429 and 503 sent again with the same key, up to <paramref name="maxAttempts"/> attempts
    /// in all, the first retry after <paramref name="firstDelay"/> (doubling; a longer Retry-After wins).
    /// <paramref name="timeout"/> bounds a whole call, retries included.
    /// </summary>
    public static AfterSalesApi Client(string api, TimeSpan timeout, int maxAttempts = 4, TimeSpan? firstDelay = null)
    {
        var token = Token();
        return AfterSalesClient.Create(new Uri(api), _ => ValueTask.FromResult(token), new AfterSalesClientOptions
        {
            Timeout = timeout,
            MaxAttempts = maxAttempts,
            FirstDelay = firstDelay ?? new AfterSalesClientOptions().FirstDelay,
        });
    }

    /// <summary>Puts BENCH_TOKEN on a raw <see cref="HttpClient"/> (the warm pass, which measures and compares raw replies).</summary>
    public static void Apply(HttpClient client) => client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token());

    private static string Token()
    {
        var token = Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new InvalidOperationException($"{TokenVariable} is not set: pass an operator token (scripts/dev-token.sh operator).");
        }

        return token;
    }
}
