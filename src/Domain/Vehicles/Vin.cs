namespace AfterSales.Domain.Vehicles;

/// <summary>
/// Vehicle identification numbers: 17 characters of the ISO 3779 alphabet (digits and the capital
/// letters A–Z except I, O and Q) with the North-American check digit in position 9, the scheme
/// China's GB 16735 also uses.
/// </summary>
/// <remarks>
/// Check digit: every character is transliterated to a value (digits are themselves;
/// A–H → 1–8, J–N → 1–5, P → 7, R → 9, S–Z → 2–9), multiplied by the weight of its position
/// (8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2), and the sum taken modulo 11; a remainder of 10 is written X.
/// Validation is strict: callers normalise input first with <see cref="Normalize"/> (or use
/// <see cref="TryParse"/>, which does both).
/// </remarks>
public static class Vin
{
    /// <summary>The length of every VIN.</summary>
    public const int Length = 17;

    /// <summary>The 1-based position of the check digit.</summary>
    public const int CheckDigitPosition = 9;

    private static readonly int[] Weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    /// <summary>Trims the input and upper-cases it (invariant culture); validation then applies.</summary>
    public static string Normalize(string vin)
    {
        ArgumentNullException.ThrowIfNull(vin);
        return vin.Trim().ToUpperInvariant();
    }

    /// <summary>
    /// Validates <paramref name="vin"/> exactly as given. On failure <paramref name="error"/> says what
    /// is wrong in words a person can act on: the length, the first bad character and its 1-based
    /// position, or the check digit expected and found. On success it is empty.
    /// </summary>
    public static bool TryValidate(string? vin, out string error)
    {
        if (string.IsNullOrWhiteSpace(vin))
        {
            error = "A VIN is required.";
            return false;
        }

        if (vin.Length != Length)
        {
            error = $"A VIN has exactly {Length} characters; this one has {vin.Length}.";
            return false;
        }

        for (var i = 0; i < vin.Length; i++)
        {
            if (Value(vin[i]) is null)
            {
                error = DescribeBadCharacter(vin[i], i + 1);
                return false;
            }
        }

        var expected = ComputeCheckDigit(vin);
        var actual = vin[CheckDigitPosition - 1];
        if (actual != expected)
        {
            error = $"The check digit (position {CheckDigitPosition}) should be '{expected}' but is '{actual}': the VIN has a typing error.";
            return false;
        }

        error = string.Empty;
        return true;
    }

    /// <summary>Validates a VIN exactly as given.</summary>
    public static bool IsValid(string? vin) => TryValidate(vin, out _);

    /// <summary>
    /// Normalises <paramref name="input"/> (<see cref="Normalize"/>) and validates it; on success
    /// <paramref name="vin"/> is the normalised VIN, otherwise empty.
    /// </summary>
    public static bool TryParse(string? input, out string vin, out string error)
    {
        var candidate = input is null ? null : Normalize(input);
        if (TryValidate(candidate, out error))
        {
            vin = candidate!;
            return true;
        }

        vin = string.Empty;
        return false;
    }

    /// <summary>
    /// Returns <paramref name="seventeenChars"/> with its check digit computed and written into
    /// position 9 (whatever was there is ignored). Used by generators and tests to make valid VINs.
    /// </summary>
    /// <exception cref="ArgumentException">Not 17 characters, or a character outside the ISO 3779 alphabet.</exception>
    public static string WithCheckDigit(string seventeenChars)
    {
        ArgumentNullException.ThrowIfNull(seventeenChars);
        if (seventeenChars.Length != Length)
        {
            throw new ArgumentException($"A VIN has exactly {Length} characters; this one has {seventeenChars.Length}.", nameof(seventeenChars));
        }

        for (var i = 0; i < Length; i++)
        {
            if (i != CheckDigitPosition - 1 && Value(seventeenChars[i]) is null)
            {
                throw new ArgumentException(DescribeBadCharacter(seventeenChars[i], i + 1), nameof(seventeenChars));
            }
        }

        var chars = seventeenChars.ToCharArray();
        chars[CheckDigitPosition - 1] = '0';
        chars[CheckDigitPosition - 1] = ComputeCheckDigit(new string(chars));
        return new string(chars);
    }

    private static char ComputeCheckDigit(string vin)
    {
        var sum = 0;
        for (var i = 0; i < Length; i++)
        {
            sum += Value(vin[i])!.Value * Weights[i];
        }

        var remainder = sum % 11;
        return remainder == 10 ? 'X' : (char)('0' + remainder);
    }

    private static string DescribeBadCharacter(char c, int position) => c switch
    {
        'I' or 'O' or 'Q' => $"Character '{c}' at position {position} is not allowed: VINs never use I, O or Q (ISO 3779).",
        >= 'a' and <= 'z' => $"Character '{c}' at position {position} is lower-case: VINs use digits and capital letters.",
        _ => $"Character '{c}' at position {position} is not allowed: VINs use only digits and the letters A–Z except I, O and Q.",
    };

    /// <summary>The transliterated value of a character of the ISO 3779 alphabet; null for anything else.</summary>
    private static int? Value(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'H' => c - 'A' + 1,
        >= 'J' and <= 'N' => c - 'J' + 1,
        'P' => 7,
        'R' => 9,
        >= 'S' and <= 'Z' => c - 'S' + 2,
        _ => null,
    };
}
