using System.Net.Http.Headers;

namespace AfterSales.Bench.Loader;

/// <summary>Every /api route needs a bearer token: the loader takes it from BENCH_TOKEN (bench/run.sh makes one).</summary>
internal static class Auth
{
    public const string TokenVariable = "BENCH_TOKEN";

    public static void Apply(HttpClient client)
    {
        var token = Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new InvalidOperationException($"{TokenVariable} is not set: pass an operator token (scripts/dev-token.sh operator).");
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }
}
