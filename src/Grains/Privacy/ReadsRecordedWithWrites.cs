using AfterSales.Interfaces.Privacy;

namespace AfterSales.Grains.Privacy;

/// <summary>
/// The grain's half of <see cref="PersonalDataReads"/>: the read the API asks this grain to record with its write.
/// </summary>
public static class ReadsRecordedWithWrites
{
    /// <summary>
    /// The read this call asks <paramref name="grain"/> to record, or null. The entry is taken out of the call's context,
    /// so the grains this command calls in turn never see it.
    /// </summary>
    public static PersonalDataRead? Take(IGrainBase grain, PersonalDataSubject subject, string subjectId)
    {
        if (RequestContext.Get(PersonalDataReads.RecordWithWriteKey) is not string entry)
        {
            return null;
        }

        var read = PersonalDataReads.Parse(entry, grain.GrainContext.GrainId.ToString(), subject, subjectId);
        if (read is not null)
        {
            RequestContext.Remove(PersonalDataReads.RecordWithWriteKey);
        }

        return read;
    }
}
