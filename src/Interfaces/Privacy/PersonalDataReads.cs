using System.Globalization;

namespace AfterSales.Interfaces.Privacy;

/// <summary>
/// A full read of a vehicle's owner that the API hands to the vehicle grain with a write, so the grain records it while
/// its own state write commits, instead of the API recording it after the reply (one commit's wait less on every
/// operator write). It travels as an <see cref="Common.AddressedCallContext"/> entry for that grain: a silo of a
/// release before it ignores the entry, does not say it recorded the read, and the API records it itself
/// (docs/upgrades.md).
/// </summary>
public static class PersonalDataReads
{
    /// <summary>The <c>RequestContext</c> key: the value (after the grain's address) is <c>"{UTC ticks}\n{actor}\n{route}"</c>.</summary>
    public const string RecordWithWriteKey = "aftersales-record-read";

    /// <summary>
    /// The value for a read by <paramref name="actor"/> through <paramref name="route"/> at <paramref name="at"/>; null
    /// when a field holds a line break (the API then records the read itself).
    /// </summary>
    public static string? Compose(DateTimeOffset at, string actor, string route) =>
        actor.Contains('\n', StringComparison.Ordinal) || route.Contains('\n', StringComparison.Ordinal)
            ? null
            : string.Join('\n', at.UtcTicks.ToString(CultureInfo.InvariantCulture), actor, route);

    /// <summary>The read of <paramref name="subjectId"/> that <paramref name="value"/> names, or null when it is not of this form.</summary>
    public static PersonalDataRead? Parse(string value, PersonalDataSubject subject, string subjectId)
    {
        var fields = value.Split('\n');
        return fields.Length == 3
            && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new PersonalDataRead(new DateTimeOffset(ticks, TimeSpan.Zero), fields[1], subject, subjectId, fields[2])
            : null;
    }
}
