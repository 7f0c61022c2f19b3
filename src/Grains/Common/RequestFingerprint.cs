using System.Security.Cryptography;
using System.Text.Json;

namespace AfterSales.Grains.Common;

/// <summary>A short digest of a command, to tell a retried request from a different one reusing its idempotency key.</summary>
public static class RequestFingerprint
{
    public static string Of<T>(string operation, T command)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(command, JsonSerializerOptions.Web);
        Span<byte> hash = stackalloc byte[32];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(operation));
        sha.AppendData(json);
        sha.GetHashAndReset(hash);
        return Convert.ToHexString(hash[..12]);
    }
}
