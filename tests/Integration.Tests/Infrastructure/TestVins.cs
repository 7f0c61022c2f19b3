using AfterSales.Domain.Vehicles;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>Fresh, valid VINs so tests sharing a cluster never touch each other's vehicles.</summary>
public static class TestVins
{
    private const string Alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

    public static string Next()
    {
        Span<char> chars = stackalloc char[17];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        }

        return Vin.WithCheckDigit(new string(chars));
    }
}
