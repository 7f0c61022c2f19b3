using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace AfterSales.Api.Http;

/// <summary>
/// A list paged in the HTTP layer (api.md: <c>limit</c>, default 50, max 500, and an opaque <c>cursor</c>), worded as
/// the grain-paged routes word it. A cursor is the position a page ended at ("v1:" and the position, base64url), so
/// rows added between two pages neither repeat nor shift the rows already being paged.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    private const string Version = "v1:";

    /// <summary>
    /// The page size (default <paramref name="default"/>, 50 unless a list says otherwise); anything but a whole number
    /// from 1 to <paramref name="maximum"/> is an error naming <c>limit</c>.
    /// </summary>
    public static int Limit(string? limit, RequestErrors errors, int @default = DefaultLimit, int maximum = MaxLimit)
    {
        if (limit is null)
        {
            return @default;
        }

        if (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= maximum)
        {
            return n;
        }

        errors.Add("limit", $"limit must be a whole number from 1 to {maximum}.");
        return @default;
    }

    /// <summary>
    /// The position <paramref name="cursor"/> continues after (null for the first page): an empty, too long or foreign
    /// cursor, or one <paramref name="accepts"/> refuses, is an error naming <c>cursor</c>.
    /// </summary>
    public static string? After(string? cursor, string list, Func<string, bool> accepts, RequestErrors errors)
    {
        if (cursor is null)
        {
            return null;
        }

        if (cursor.Length is 0 or > 200)
        {
            errors.Add("cursor", "cursor must be the nextCursor of a previous page.");
            return null;
        }

        if (Decode(cursor) is { } position && accepts(position))
        {
            return position;
        }

        errors.Add("cursor", $"cursor is not one this {list} gave; start again without it.");
        return null;
    }

    /// <summary>The cursor of the page that ends at <paramref name="position"/>.</summary>
    public static string Cursor(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + position));

    private static string? Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith(Version, StringComparison.Ordinal) ? text[Version.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
