using System.Text.Json.Serialization;
using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Privacy;

/// <summary>Whose personal data was read: a vehicle's owner or a complaint's customer.</summary>
public enum PersonalDataSubject
{
    Vehicle = 0,
    Complaint = 1,
}

/// <summary>One full read of personal data (PIPL): who, when, whose, through which route.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.PersonalDataRead")]
public sealed record class PersonalDataRead(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] PersonalDataSubject Subject,
    [property: Id(3)] string SubjectId,
    [property: Id(4)] string Route);

/// <summary>A recorded read, with its place in the log.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.PersonalDataReadEntry")]
public sealed record class PersonalDataReadEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] PersonalDataSubject Subject,
    [property: Id(4)] string SubjectId,
    [property: Id(5)] string Route);

/// <summary>What an operator asks the log: by subject, by actor, or both; newest first, before <see cref="BeforeId"/>.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.PersonalDataQuery")]
public sealed record class PersonalDataQuery(
    [property: Id(0)] PersonalDataSubject? Subject,
    [property: Id(1)] string? SubjectId,
    [property: Id(2)] string? Actor,
    [property: Id(3)] long? BeforeId,
    [property: Id(4)] int Limit);

[GenerateSerializer, Immutable, Alias("AfterSales.PersonalDataReadPage")]
public sealed record class PersonalDataReadPage(
    [property: Id(0)] IReadOnlyList<PersonalDataReadEntry> Items,
    // Sent as null on the last page (api.md: the reply carries nextCursor), though the API leaves other nulls out.
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>
/// The append-only log of full reads of personal data (table personal_data_reads). A stateless worker: any silo
/// records and answers; a read is recorded before the data is returned, so a log that cannot be written is a 503.
/// </summary>
[Alias("AfterSales.IPersonalDataLogGrain")]
[Version(1)]
public interface IPersonalDataLogGrain : IGrainWithIntegerKey
{
    [Alias("Record")]
    Task RecordAsync(PersonalDataRead read);

    [Alias("Query")]
    Task<Outcome<PersonalDataReadPage>> QueryAsync(PersonalDataQuery query);
}
