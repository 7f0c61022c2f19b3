namespace AfterSales.Grains.Common;

/// <summary>What a grain remembers of a keyed request: the key, a fingerprint of the request, when, and the reply (in the record).</summary>
public interface IRememberedReply
{
    string Key { get; }

    string Fingerprint { get; }

    DateTimeOffset At { get; }
}

/// <summary>
/// A row for grain_rows written with the state (under a "newRows…" property, which the write takes out of the
/// document): the remembered reply of a keyed request, a closed work order. Its body is the record as JSON, in the
/// same shape the state uses.
/// </summary>
public sealed record TypedRow<TBody>(string Kind, string Key, TBody Body)
{
    /// <summary>
    /// True: the row must not exist yet, and the write fails whole if it does (<see cref="GrainRows.IsDuplicateRow"/>).
    /// Null (left out of the JSON): the row replaces one with the same key.
    /// </summary>
    public bool? Unique { get; init; }
}

/// <summary>Reads a grain's rows in grain_rows.</summary>
public interface IGrainRowReader
{
    /// <summary>The bodies of the rows of <paramref name="kind"/> written within <paramref name="maxAge"/> (null: all of them).</summary>
    Task<IReadOnlyList<TBody>> ReadAsync<TBody>(string stateName, string grainKey, string kind, TimeSpan? maxAge, CancellationToken cancellationToken = default);

    /// <summary>The body of one row, or null.</summary>
    Task<TBody?> ReadOneAsync<TBody>(string stateName, string grainKey, string kind, string key, CancellationToken cancellationToken = default)
        where TBody : class;

    /// <summary>Whether the row is recorded (a row without a body too, such as a roll-up's record of a final source).</summary>
    Task<bool> ExistsAsync(string stateName, string grainKey, string kind, string key, CancellationToken cancellationToken = default);

    /// <summary>The bodies of those of <paramref name="keys"/> that have a row, by key (one round trip).</summary>
    Task<IReadOnlyDictionary<string, TBody>> ReadManyAsync<TBody>(string stateName, string grainKey, string kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
        where TBody : class;

    /// <summary>
    /// Up to <paramref name="limit"/> rows of <paramref name="kind"/> with their keys, in descending key order, those
    /// below <paramref name="beforeKey"/> (all when null): a page of a list kept as rows (the primary key orders them).
    /// </summary>
    Task<IReadOnlyList<KeyValuePair<string, TBody>>> ReadPageAsync<TBody>(string stateName, string grainKey, string kind, string? beforeKey, int limit, CancellationToken cancellationToken = default)
        where TBody : class;
}

/// <summary>
/// The idempotency keys of one grain: every key is kept for the window (24 h by policy) however many there are, as a
/// row written in the same statement as the change it produced, so "applied" and "remembered" are one atomic fact and
/// the grain's document does not grow with its traffic. An activation reads its grain's keys of the window once, at
/// its first keyed request, and adds each key it writes. A grain whose state was never stored has no rows (they are
/// written only with its state, and no grain clears its state), so it reads none: a new grain's first request, such
/// as each vehicle of a bulk import, saves that round trip (<paramref name="stateStored"/> false).
/// </summary>
public sealed class IdempotencyKeys<TReply>(IGrainRowReader reader, string stateName, string grainKey, TimeSpan window, TimeProvider time,
    bool stateStored = true)
    where TReply : class, IRememberedReply
{
    public const string Kind = IdempotencyKeys.Kind;

    private Dictionary<string, TReply>? _known = stateStored ? null : new(StringComparer.Ordinal);

    /// <summary>The reply remembered for <paramref name="key"/> within the window, or null.</summary>
    public async ValueTask<TReply?> FindAsync(string key)
    {
        if (_known is null)
        {
            var stored = await reader.ReadAsync<TReply>(stateName, grainKey, Kind, window);
            _known = new Dictionary<string, TReply>(StringComparer.Ordinal);
            foreach (var reply in stored)
            {
                _known[reply.Key] = reply;
            }
        }

        return _known.TryGetValue(key, out var found) && found.At >= time.GetUtcNow() - window ? found : null;
    }

    /// <summary>The row to write with the change (the reply stamped with its key and fingerprint by the caller).</summary>
    public static TypedRow<TReply> Row(TReply reply) => new(Kind, reply.Key, reply);

    /// <summary>After the write that carried <paramref name="rows"/> landed.</summary>
    public void Written(IEnumerable<TypedRow<TReply>>? rows)
    {
        if (rows is null || _known is null)
        {
            return;
        }

        foreach (var row in rows)
        {
            _known[row.Key] = row.Body;
        }
    }
}

public static class IdempotencyKeys
{
    /// <summary>The grain_rows kind of idempotency keys (written with ON CONFLICT … DO UPDATE: a key reused after its window starts again).</summary>
    public const string Kind = "key";
}
