using System.Globalization;

namespace AfterSales.Interfaces.Privacy;

/// <summary>
/// A full read of a vehicle's owner that the API hands to the vehicle grain with a write, so the grain records it while
/// its own state write commits, instead of the API recording it after the reply (one commit's wait less on every
/// operator write). It travels in the call's <c>RequestContext</c> as text addressed to that grain: a silo of a release
/// before it ignores the entry, does not say it recorded the read, and the API records it itself (docs/upgrades.md).
/// </summary>
public static class PersonalDataReads
{
    /// <summary>The <c>RequestContext</c> key: the value is <c>"{grainId}\n{UTC ticks}\n{actor}\n{route}"</c>.</summary>
    public const string RecordWithWriteKey = "aftersales-record-read";

    /// <summary>
    /// The entry for a read by <paramref name="actor"/> through <paramref name="route"/> at <paramref name="at"/>, to be
    /// recorded by <paramref name="grainId"/>; null when a field holds a line break (the API then records it itself).
    /// </summary>
    public static string? Compose(string grainId, DateTimeOffset at, string actor, string route) =>
        grainId.Contains('\n', StringComparison.Ordinal) || actor.Contains('\n', StringComparison.Ordinal) || route.Contains('\n', StringComparison.Ordinal)
            ? null
            : string.Join('\n', grainId, at.UtcTicks.ToString(CultureInfo.InvariantCulture), actor, route);

    /// <summary>
    /// The read <paramref name="entry"/> asks <paramref name="grainId"/> to record about <paramref name="subjectId"/>,
    /// or null when it is addressed to another grain or is not of this form.
    /// </summary>
    public static PersonalDataRead? Parse(string entry, string grainId, PersonalDataSubject subject, string subjectId)
    {
        var fields = entry.Split('\n');
        return fields.Length == 4 && fields[0] == grainId
            && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new PersonalDataRead(new DateTimeOffset(ticks, TimeSpan.Zero), fields[2], subject, subjectId, fields[3])
            : null;
    }
}
