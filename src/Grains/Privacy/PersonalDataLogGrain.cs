using System.Globalization;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Privacy;
using Orleans.Concurrency;

namespace AfterSales.Grains.Privacy;

/// <summary>Where full reads of personal data are kept: an append-only table (the silo provides it).</summary>
public interface IPersonalDataLog
{
    Task AppendAsync(PersonalDataRead read, CancellationToken cancellationToken = default);

    /// <summary>Newest first: the entries matching <paramref name="query"/> with ids below its <see cref="PersonalDataQuery.BeforeId"/>.</summary>
    Task<IReadOnlyList<PersonalDataReadEntry>> QueryAsync(PersonalDataQuery query, CancellationToken cancellationToken = default);
}

/// <summary>
/// The personal-data read log as a grain, so the HTTP tier (which knows only the grain interfaces, and may run in a
/// process of its own) records reads through the cluster. Stateless: each silo writes the table directly.
/// Reentrant: a stateless worker has only as many activations as the silo has cores, and each awaited its append's
/// commit before taking the next, so every operator write in the silo queued behind two inserts at a time (the durable
/// writes fell to a third). Interleaved, concurrent appends meet in the log's group commit.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class PersonalDataLogGrain(IPersonalDataLog log) : Grain, IPersonalDataLogGrain
{
    public Task RecordAsync(PersonalDataRead read) => log.AppendAsync(read);

    public async Task<Outcome<PersonalDataReadPage>> QueryAsync(PersonalDataQuery query)
    {
        var items = await log.QueryAsync(query with { Limit = query.Limit + 1 });
        var next = items.Count > query.Limit ? items[query.Limit - 1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return Outcome<PersonalDataReadPage>.Ok(new PersonalDataReadPage([.. items.Take(query.Limit)], next));
    }
}
