using AfterSales.Domain.Vehicles;

namespace AfterSales.Domain.Tests.Vehicles;

public sealed class VinTests
{
    [Theory]
    [InlineData("1M8GDM9AXKP042788")] // check digit X
    [InlineData("11111111111111111")]
    [InlineData("1HGCM82633A004352")]
    [InlineData("JH4KA7561PC008269")]
    [InlineData("LSVAM4187C2184847")] // Chinese VIN (GB 16735), same scheme
    public void RealVins_AreValid(string vin)
    {
        Assert.True(Vin.TryValidate(vin, out var error), error);
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("   ", "required")]
    [InlineData("1M8GDM9AXKP04278", "exactly 17 characters; this one has 16")]
    [InlineData("1M8GDM9AXKP0427888", "exactly 17 characters; this one has 18")]
    [InlineData("1M8GIM9AXKP042788", "Character 'I' at position 5 is not allowed")]
    [InlineData("1M8GDM9AXKO042788", "Character 'O' at position 11 is not allowed")]
    [InlineData("QM8GDM9AXKP042788", "Character 'Q' at position 1 is not allowed")]
    [InlineData("1M8GDM9AXKP04278-", "Character '-' at position 17 is not allowed")]
    [InlineData("1m8GDM9AXKP042788", "Character 'm' at position 2 is lower-case")]
    [InlineData("1M8GDM9A1KP042788", "should be 'X' but is '1'")]
    [InlineData("11111111211111111", "should be '1' but is '2'")]
    [InlineData("1HGCM82643A004352", "should be '3' but is '4'")]
    public void InvalidVins_AreRejected_WithAnErrorSayingWhatIsWrong(string? vin, string expectedError)
    {
        Assert.False(Vin.TryValidate(vin, out var error));
        Assert.Contains(expectedError, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  1m8gdm9axkp042788 ", "1M8GDM9AXKP042788")]
    [InlineData("lsvam4187c2184847", "LSVAM4187C2184847")]
    public void Normalize_TrimsAndUpperCases_ThenTheVinValidates(string input, string expected)
    {
        Assert.Equal(expected, Vin.Normalize(input));
        Assert.False(Vin.IsValid(input));
        Assert.True(Vin.TryParse(input, out var vin, out _));
        Assert.Equal(expected, vin);
    }

    [Fact]
    public void TryParse_ReportsTheErrorAndNoVin_ForANormalisedButInvalidInput()
    {
        Assert.False(Vin.TryParse(" 1m8gdm9a1kp042788", out var vin, out var error));
        Assert.Equal(string.Empty, vin);
        Assert.Contains("should be 'X' but is '1'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1M8GDM9A_KP042788", "1M8GDM9AXKP042788")]
    [InlineData("1M8GDM9A0KP042788", "1M8GDM9AXKP042788")]
    [InlineData("1HGCM826_3A004352", "1HGCM82633A004352")]
    [InlineData("LSVAM418ZC2184847", "LSVAM4187C2184847")]
    public void WithCheckDigit_WritesTheCheckDigitIntoPosition9(string input, string expected)
    {
        var vin = Vin.WithCheckDigit(input);
        Assert.Equal(expected, vin);
        Assert.True(Vin.IsValid(vin));
    }

    public static TheoryData<char> Alphabet() => new("0123456789ABCDEFGHJKLMNPRSTUVWXYZ".ToCharArray());

    [Theory]
    [MemberData(nameof(Alphabet))]
    public void EveryIso3779Character_IsAcceptedInEveryPositionButTheCheckDigit(char c)
    {
        for (var position = 0; position < Vin.Length; position++)
        {
            if (position == Vin.CheckDigitPosition - 1)
            {
                continue;
            }

            var chars = "1M8GDM9AXKP042788".ToCharArray();
            chars[position] = c;
            var vin = Vin.WithCheckDigit(new string(chars));
            Assert.True(Vin.TryValidate(vin, out var error), $"{vin}: {error}");
        }
    }

    [Theory]
    [InlineData('I')]
    [InlineData('O')]
    [InlineData('Q')]
    public void IOQ_AreRejectedEvenWithACorrectCheckDigit(char c)
    {
        // Build a VIN whose check digit would be right if the letter were read as its look-alike digit.
        var lookAlike = c == 'I' ? '1' : '0';
        var valid = Vin.WithCheckDigit("1M8GDM9A0KP04278" + lookAlike);
        var withLetter = valid[..16] + c;
        Assert.False(Vin.TryValidate(withLetter, out var error));
        Assert.Contains($"'{c}' at position 17", error, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Vin.WithCheckDigit(withLetter));
    }

    [Theory]
    [InlineData("1M8GDM9AXKP04278")]
    [InlineData("1M8GDM9AXKP0427888")]
    public void WithCheckDigit_RejectsTheWrongLength(string input)
    {
        var ex = Assert.Throws<ArgumentException>(() => Vin.WithCheckDigit(input));
        Assert.Contains("exactly 17 characters", ex.Message, StringComparison.Ordinal);
    }
}
