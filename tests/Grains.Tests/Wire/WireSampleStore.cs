using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>A stored sample: the bytes a release's build wrote for a subject, and the value it wrote them from.</summary>
public sealed record StoredSample(string Release, string File, WireKind Kind, string WireName, string Type, byte[] Bytes, JsonNode? Value);

/// <summary>
/// The samples kept from each release, in tests/Grains.Tests/WireSamples/vN (one folder per release: the samples of
/// every message, call and reply, and fields.json). Only <see cref="CurrentRelease"/> is ever written; the folders of
/// shipped releases stay as they were, so every later build is checked against the bytes those silos send.
/// </summary>
public static class WireSampleStore
{
    /// <summary>The release this build becomes. Raise it (v2, v3 …) when the release before it has shipped.</summary>
    public const string CurrentRelease = "v1";

    public const string WriteVariable = "AFTERSALES_WRITE_WIRE_SAMPLES";

    /// <summary>The command that (re)writes the current release's samples from this build.</summary>
    public const string WriteCommand =
        WriteVariable + "=1 dotnet test tests/Grains.Tests -c Release --filter FullyQualifiedName~WireSampleWriter";

    public const string ManifestFile = "fields.json";

    private const string SolutionFileName = "AfterSales.Actors.sln";

    // Relaxed escaping: the files are read by people ("+08:00", not "\u002B08:00"), never embedded in HTML.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Read from the source tree, not the build output: the writer writes there, and a copy could be stale.
    public static string Root { get; } = Path.Combine(FindRepositoryRoot(), "tests", "Grains.Tests", "WireSamples");

    /// <summary>The release folders present, oldest first.</summary>
    public static IReadOnlyList<string> Releases =>
        Directory.Exists(Root)
            ? [.. Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith('v')).OrderBy(n => int.Parse(n[1..], System.Globalization.CultureInfo.InvariantCulture))]
            : [];

    /// <summary>The serializer of this build, as a silo has it for the contracts.</summary>
    public static Serializer CreateSerializer() =>
        new ServiceCollection()
            .AddSerializer(builder =>
            {
                foreach (var assembly in WireCatalogue.InterfaceAssemblies)
                {
                    builder.AddAssembly(assembly);
                }
            })
            .BuildServiceProvider()
            .GetRequiredService<Serializer>();

    public static IReadOnlyList<StoredSample> ReadSamples(string release)
    {
        var folder = Path.Combine(Root, release);
        return
        [
            .. Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories)
                .Where(path => Path.GetFileName(path) != ManifestFile)
                .Order(StringComparer.Ordinal)
                .Select(path => ReadSample(release, Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllText(path))),
        ];
    }

    public static string ManifestPath(string release) => Path.Combine(Root, release, ManifestFile);

    public static WireManifest ReadManifest(string release) => WireManifest.FromJson(File.ReadAllText(ManifestPath(release)));

    /// <summary>Replaces the folder of <paramref name="release"/> with these samples and manifest.</summary>
    public static void Write(string release, IEnumerable<StoredSample> samples, WireManifest manifest)
    {
        var folder = Path.Combine(Root, release);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        foreach (var sample in samples)
        {
            var path = Path.Combine(folder, sample.File);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var document = new JsonObject
            {
                ["kind"] = sample.Kind.ToString(),
                ["wireName"] = sample.WireName,
                ["type"] = sample.Type,
                ["bytes"] = Convert.ToBase64String(sample.Bytes),
                ["value"] = sample.Value?.DeepClone(),
            };
            File.WriteAllText(path, document.ToJsonString(Json) + "\n");
        }

        File.WriteAllText(ManifestPath(release), manifest.ToJson());
    }

    private static StoredSample ReadSample(string release, string file, string json)
    {
        var document = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException($"{release}/{file} is empty.");
        string Text(string name) => document[name]?.GetValue<string>() ?? throw new InvalidDataException($"{release}/{file} has no {name}.");
        return new(
            release,
            file,
            Enum.Parse<WireKind>(Text("kind")),
            Text("wireName"),
            Text("type"),
            Convert.FromBase64String(Text("bytes")),
            document["value"]?.DeepClone());
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"{SolutionFileName} was not found in {AppContext.BaseDirectory} or any directory above it.");
    }
}
