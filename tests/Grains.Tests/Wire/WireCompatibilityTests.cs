using Orleans.Serialization;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>
/// This build against the samples kept from each release (tests/Grains.Tests/WireSamples/vN): a silo of this build
/// reads every message, call and reply that a silo of those releases sends, and sends nothing they cannot read
/// (docs/upgrades.md).
/// </summary>
public sealed class WireCompatibilityTests
{
    private static readonly Serializer Serializer = WireSampleStore.CreateSerializer();

    private static readonly Dictionary<(WireKind, string), WireSubject> Current =
        WireCatalogue.Subjects.ToDictionary(s => (s.Kind, s.WireName));

    private static IReadOnlyList<StoredSample> AllSamples { get; } = [.. WireSampleStore.Releases.SelectMany(WireSampleStore.ReadSamples)];

    private static string Regenerate =>
        $"Write them with: {WireSampleStore.WriteCommand} (if release {WireSampleStore.CurrentRelease} has shipped, first raise "
        + $"{nameof(WireSampleStore)}.{nameof(WireSampleStore.CurrentRelease)}, so its samples stay as they are).";

    [Fact]
    public void EverySampleOfEveryRelease_ReadsInThisBuild_AsTheValueItWasWrittenFrom()
    {
        var failures = new List<string>();
        foreach (var sample in AllSamples)
        {
            if (!Current.TryGetValue((sample.Kind, sample.WireName), out var subject))
            {
                continue; // gone from this build: EverySampleOfEveryRelease_IsOfSomethingThisBuildStillHas says so
            }

            object? read;
            try
            {
                read = Serializer.Deserialize<object?>(sample.Bytes);
            }
            catch (Exception e)
            {
                failures.Add($"{sample.Release}/{sample.File}: does not read: {e.GetType().Name}: {e.Message}");
                continue;
            }

            if (!subject.Type.IsInstanceOfType(read))
            {
                failures.Add($"{sample.Release}/{sample.File}: reads as {read?.GetType().ToString() ?? "null"}, not {subject.Type}");
            }
            else if (WireRendering.Difference(sample.Value, WireRendering.Render(read)) is { } difference)
            {
                failures.Add($"{sample.Release}/{sample.File}: {difference}");
            }
        }

        Assert.NotEmpty(AllSamples);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void EverySampleOfEveryRelease_RoundTripsThroughThisBuild()
    {
        var failures = new List<string>();
        foreach (var sample in AllSamples.Where(s => Current.ContainsKey((s.Kind, s.WireName))))
        {
            try
            {
                var read = Serializer.Deserialize<object?>(sample.Bytes);
                var again = Serializer.Deserialize<object?>(Serializer.SerializeToArray(read));
                if (WireRendering.Difference(WireRendering.Render(read), WireRendering.Render(again)) is { } difference)
                {
                    failures.Add($"{sample.Release}/{sample.File}: {difference}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"{sample.Release}/{sample.File}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.NotEmpty(AllSamples);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void EveryMessageCallAndReplyOfThisBuild_HasASampleOfTheCurrentRelease()
    {
        var stored = WireSampleStore.Releases.Contains(WireSampleStore.CurrentRelease)
            ? WireSampleStore.ReadSamples(WireSampleStore.CurrentRelease).Select(s => (s.Kind, s.WireName)).ToHashSet()
            : [];
        var missing = WireCatalogue.Subjects.Where(s => !stored.Contains((s.Kind, s.WireName))).Select(s => $"  {s.Kind} {s.WireName} ({s.Description})").ToList();

        Assert.True(missing.Count == 0, $"No sample in WireSamples/{WireSampleStore.CurrentRelease} of:\n{string.Join("\n", missing)}\n{Regenerate}");

        // A generic message (Outcome<T>) is sampled through the replies that close it; one no grain method returns has none.
        var closed = WireCatalogue.Subjects.Where(s => s.Type.IsConstructedGenericType).Select(s => s.Type.GetGenericTypeDefinition()).ToHashSet();
        var unsampled = WireCatalogue.MessageTypes.Where(t => t.IsGenericTypeDefinition && !closed.Contains(t)).Select(t => t.FullName).ToList();
        Assert.True(unsampled.Count == 0, $"No grain method returns these generic messages, so nothing samples them: {string.Join(", ", unsampled)}");
    }

    [Fact]
    public void EverySampleOfEveryRelease_IsOfSomethingThisBuildStillHas()
    {
        var gone = AllSamples.Where(s => !Current.ContainsKey((s.Kind, s.WireName)))
            .Select(s => $"  {s.Release}/{s.File}: {s.Kind} {s.WireName} ({s.Type})")
            .ToList();

        Assert.NotEmpty(AllSamples);
        Assert.True(
            gone.Count == 0,
            $"This build no longer has these, but silos of the releases named still send or answer them:\n{string.Join("\n", gone)}\n"
            + "Keep the type or grain method with its [Alias] (docs/upgrades.md); a sample of a shipped release is never deleted.");
    }

    [Fact]
    public void NoFieldEnumMemberOrGrainMethodOfAnyRelease_ChangedOrWentAway()
    {
        var current = WireManifest.OfThisBuild();
        var breaks = WireSampleStore.Releases.SelectMany(r => WireManifest.Breaks(WireSampleStore.ReadManifest(r), current).Select(b => $"  {r}: {b}")).ToList();

        Assert.NotEmpty(WireSampleStore.Releases);
        Assert.True(breaks.Count == 0, $"Changes a silo of an earlier release cannot follow (docs/upgrades.md):\n{string.Join("\n", breaks)}");
    }

    [Fact]
    public void TheCurrentReleasesFields_AreThisBuilds()
    {
        var path = WireSampleStore.ManifestPath(WireSampleStore.CurrentRelease);
        var stored = File.Exists(path) ? File.ReadAllText(path) : "";

        Assert.True(stored == WireManifest.OfThisBuild().ToJson(), $"{path} does not describe this build's messages and grain methods. {Regenerate}");
    }

    [Fact]
    public void TheSamplesOfEveryRelease_SetEveryField()
    {
        var unset = AllSamples.Where(s => s.Kind != WireKind.Call).SelectMany(s => WireSampleWriter.UnsetFields(s.Value, $"{s.Release}/{s.File}")).ToList();

        Assert.NotEmpty(AllSamples);
        Assert.True(unset.Count == 0, $"Samples that leave a field at its default, so they would not show it lost:\n{string.Join("\n", unset)}");
    }
}
