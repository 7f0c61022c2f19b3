using System.Security.Cryptography;
using System.Text.Json;

namespace AfterSales.Grains.Common;

/// <summary>A short digest of a command, to tell a retried request from a different one reusing its idempotency key.</summary>
public static class RequestFingerprint
{
    // Fields included: commands are often tuples (an id and a body), whose items are fields, not properties.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerOptions.Web) { IncludeFields = true };

    public static string Of<T>(string operation, T command)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(command, Options);
        Span<byte> hash = stackalloc byte[32];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(operation));
        sha.AppendData(json);
        sha.GetHashAndReset(hash);
        return Convert.ToHexString(hash[..12]);
    }
}
