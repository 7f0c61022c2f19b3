using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AfterSales.Chaos;

/// <summary>What one write came to: acknowledged at <see cref="At"/>, refused for good (a status, no At), or out of budget (neither).</summary>
public sealed record SendResult(TimeSpan? At, HttpStatusCode? Status, JsonElement Body, string Text);

/// <summary>
/// The chaos run's client policy, shared by every load: POST with an Idempotency-Key until acknowledged, retrying
/// timeouts, refused connections, 5xx and 429 with the same key until the retry budget is spent; any other 4xx is
/// final. Counts the HTTP attempts and outcomes (0 = timeout or refused connection) of its load, and records each
/// attempt in <paramref name="stats"/> when given (the rolling run counts the requests whose first attempt failed).
/// </summary>
public sealed class RetryingSender(ChaosOptions options, HttpClient http, Stopwatch clock, RequestStats? stats = null)
{
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private int _attempts;

    public int Attempts => _attempts;

    public IReadOnlyDictionary<int, int> Statuses => _statuses;

    public async Task<SendResult> PostAsync(string path, object body, string idempotencyKey)
    {
        var deadline = clock.Elapsed + options.RetryBudget;
        var kind = RequestStats.KindOf("POST", path);
        for (var first = true; clock.Elapsed < deadline; first = false)
        {
            Interlocked.Increment(ref _attempts);
            using var attempt = new CancellationTokenSource(options.AttemptTimeout);
            var started = stats?.Elapsed ?? TimeSpan.Zero;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
                request.Headers.Add("Idempotency-Key", idempotencyKey);
                using var response = await http.SendAsync(request, attempt.Token);
                _statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                var text = await response.Content.ReadAsStringAsync(attempt.Token);
                stats?.Record(kind, first, (int)response.StatusCode, started, stats.Elapsed - started, response.IsSuccessStatusCode ? "" : text);
                if (response.IsSuccessStatusCode)
                {
                    return new SendResult(clock.Elapsed, response.StatusCode, Parse(text), text);
                }

                if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.GatewayTimeout)
                    && (int)response.StatusCode < 500)
                {
                    // A 4xx other than 429 will not change on retry: the caller decides what it means.
                    return new SendResult(null, response.StatusCode, Parse(text), text);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                _statuses.AddOrUpdate(0, 1, (_, c) => c + 1);
                stats?.Record(kind, first, 0, started, stats.Elapsed - started, ex.GetType().Name + ": " + ex.Message);
            }

            // Back off briefly so a dead gateway is not hammered in a tight loop.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return new SendResult(null, null, default, "");
    }

    private static JsonElement Parse(string text)
    {
        if (text.Length == 0)
        {
            return default;
        }

        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
