using System.Buffers.Text;
using System.Text;

namespace AfterSales.Grains.Common;

/// <summary>
/// The opaque cursor of a grain-paged list: the key of a page's last item, "v1:"-prefixed and base64url (safe in a
/// query string as it is), so callers do not build it.
/// </summary>
public static class PageCursor
{
    public static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes("v1:" + key));

    /// <summary>The key, or null when the text is not a cursor.</summary>
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
