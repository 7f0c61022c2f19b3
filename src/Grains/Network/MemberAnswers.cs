namespace AfterSales.Grains.Network;

/// <summary>
/// A roll-up asking its members for their current figures when it activates (a group its stations, the national grain
/// its provinces). The asking runs in the background: a push into the roll-up never waits for it, only queries and the
/// totals pushed on do. A deactivating member answers nothing, not even an interleaving question, until its running
/// request is done, and that request may be the very push that activated the roll-up: a silo shutting down
/// deactivates all its grains while their requests finish, so when the activation waited for its members, a station
/// pushing to a group that had been on that silo too waited on the group, which waited on the station, until the
/// silo's shutdown gave up after 30 s (seen in a rolling upgrade: requests to the station timed out meanwhile). A
/// member that has not answered within <see cref="Wait"/> is left out of the answer and asked again; its next push
/// brings its figures anyway.
/// </summary>
internal static class MemberAnswers
{
    /// <summary>How long a query waits for the members' answers (an active member answers in milliseconds, one that must activate first in well under a second), and how often the silent ones are asked again.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);

    /// <summary>Asks every member at once; returns the answers that came within <paramref name="wait"/> and the members that did not answer.</summary>
    public static async Task<(Dictionary<string, T> Answered, List<string> Unanswered)> AskAsync<T>(
        IEnumerable<string> members, Func<string, Task<T>> ask, TimeSpan wait)
    {
        var asks = members.Distinct(StringComparer.Ordinal).ToDictionary(member => member, ask, StringComparer.Ordinal);
        var all = Task.WhenAll(asks.Values);
        await Task.WhenAny(all, Task.Delay(wait));
        // Whatever fails later is only observed: the member is asked again.
        _ = all.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        var answered = new Dictionary<string, T>(StringComparer.Ordinal);
        var unanswered = new List<string>();
        foreach (var (member, answer) in asks)
        {
            if (answer.IsCompletedSuccessfully)
            {
                answered[member] = answer.Result;
            }
            else
            {
                unanswered.Add(member);
            }
        }

        return (answered, unanswered);
    }
}
