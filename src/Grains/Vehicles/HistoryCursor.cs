using System.Buffers.Text;
using System.Text;

namespace AfterSales.Grains.Vehicles;

/// <summary>The repair history's opaque cursor: the last visit id of a page, base64url so callers do not build it.</summary>
public static class HistoryCursor
{
    public static string Encode(string visitId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes("v1:" + visitId));

    /// <summary>The visit id, or null when the text is not a cursor.</summary>
    public static string? Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith("v1:", StringComparison.Ordinal) ? text[3..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
