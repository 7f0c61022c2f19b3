namespace AfterSales.Api.Http;

/// <summary>The <c>Idempotency-Key</c> request header: optional, at most 128 visible ASCII characters.</summary>
public static class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";
    private const int MaxLength = 128;

    /// <summary>Reads the header; a malformed key is an error naming the header.</summary>
    public static bool TryRead(HttpRequest request, out string? key, out Dictionary<string, string[]>? errors)
    {
        key = null;
        errors = null;
        if (!request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0)
        {
            return true;
        }

        var value = values.Count == 1 ? values[0] : null;
        if (value is null || value.Length is 0 or > MaxLength || value.Any(c => c is < '!' or > '~'))
        {
            errors = new() { [HeaderName] = [$"{HeaderName} must be one value of 1–{MaxLength} visible ASCII characters."] };
            return false;
        }

        key = value;
        return true;
    }
}
