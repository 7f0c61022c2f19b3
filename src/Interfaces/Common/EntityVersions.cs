namespace AfterSales.Interfaces.Common;

/// <summary>
/// A view of one entity that names the version of the state it was built from: the HTTP host sends it as the
/// <c>ETag</c>, and a write's <c>If-Match</c> is checked against it by the grain that holds the state.
/// </summary>
public interface IVersionedView
{
    /// <summary>Counts the entity's visible changes; 0 for one stored before versions were counted and not changed since.</summary>
    long Revision { get; }
}

/// <summary>
/// The ETag format and how an <c>If-Match</c> travels to the grain: in the call's <c>RequestContext</c>, addressed to
/// that grain, so the grain compares it with the version it holds as part of the command (no read-then-write race),
/// and grains the command calls in turn ignore it. A grain method's signature stays as it was (docs/upgrades.md).
/// </summary>
public static class EntityVersions
{
    /// <summary>The <c>RequestContext</c> key: the value is <c>"{grainId}\n{revisions or *}"</c>.</summary>
    public const string IfMatchKey = "aftersales-if-match";

    /// <summary>A strong validator: <c>"v12"</c>, quotes included.</summary>
    public static string ETag(long revision) => "\"v" + revision.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";

    /// <summary>The revision an ETag (<c>"v12"</c> or <c>W/"v12"</c>) names, or null when it names none of ours.</summary>
    public static long? Parse(string etag)
    {
        var text = etag.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        return text.Length > 3 && text[0] == '"' && text[^1] == '"' && text[1] == 'v'
            && long.TryParse(text.AsSpan(2, text.Length - 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var revision)
            ? revision
            : null;
    }

    /// <summary>
    /// Whether a list of entity tags (an <c>If-Match</c> or <c>If-None-Match</c> value: <c>*</c> or comma-separated
    /// tags) names <paramref name="revision"/>. Tags that are not ours never match.
    /// </summary>
    public static bool Matches(string tags, long revision)
    {
        foreach (var tag in tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (tag == "*" || Parse(tag) == revision)
            {
                return true;
            }
        }

        return false;
    }
}
