using System.Text.Json.Nodes;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>Runs only when <see cref="WireSampleStore.WriteVariable"/> is 1; skipped (with the command) otherwise.</summary>
public sealed class WireSampleWriterFactAttribute : FactAttribute
{
    public WireSampleWriterFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(WireSampleStore.WriteVariable) != "1")
        {
            Skip = $"writes the wire samples only when asked: {WireSampleStore.WriteCommand}";
        }
    }
}

/// <summary>
/// (Re)writes WireSamples/{current release} from this build: a sample of every message, call and reply, and
/// fields.json. Never run it for a release that has shipped: raise <see cref="WireSampleStore.CurrentRelease"/> first.
/// </summary>
public sealed class WireSampleWriter
{
    [WireSampleWriterFact]
    public void WritesTheSamplesOfTheCurrentRelease()
    {
        var serializer = WireSampleStore.CreateSerializer();
        var samples = WireCatalogue.Subjects.Select(subject =>
        {
            // A fresh counter for each subject: adding a type changes no other sample.
            var values = new SampleValues();
            var value = subject.Kind == WireKind.Call ? values.CreateCall(subject.Type) : values.Create(subject.Type, subject.Type.Name);
            // As object, the way a call or a reply travels: the bytes name the type by its aliases.
            var bytes = serializer.SerializeToArray<object?>(value);
            return new StoredSample(WireSampleStore.CurrentRelease, subject.File, subject.Kind, subject.WireName, subject.Description, bytes, WireRendering.Render(value));
        }).ToList();

        Assert.Empty(samples.Where(s => s.Kind != WireKind.Call).SelectMany(s => UnsetFields(s.Value, s.File)));

        WireSampleStore.Write(WireSampleStore.CurrentRelease, samples, WireManifest.OfThisBuild());

        var written = WireSampleStore.ReadSamples(WireSampleStore.CurrentRelease);
        Assert.Equal(samples.Select(s => (s.File, Convert.ToBase64String(s.Bytes))), written.Select(s => (s.File, Convert.ToBase64String(s.Bytes))));
    }

    /// <summary>Where a sample leaves a default (null, zero, false, empty): a field whose loss a sample would not show.</summary>
    public static IEnumerable<string> UnsetFields(JsonNode? value, string path) => value switch
    {
        null => [path],
        JsonObject fields => fields.Count == 0 ? [path] : fields.SelectMany(f => UnsetFields(f.Value, $"{path}.{f.Key}")),
        JsonArray items => items.Count == 0 ? [path] : items.SelectMany((item, i) => UnsetFields(item, $"{path}[{i}]")),
        _ when value.ToJsonString() is "0" or "false" or "\"\"" or "\"0\"" => [path],
        _ => [],
    };
}
