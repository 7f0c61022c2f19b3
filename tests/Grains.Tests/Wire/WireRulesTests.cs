using System.Text.Json.Nodes;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>The wire rules (docs/upgrades.md) as the checks apply them, on a made-up release and its successors.</summary>
public sealed class WireRulesTests
{
    private static readonly WireManifest Released = Manifest(
        new() { [0] = new("Vin", "System.String"), [1] = new("Km", "System.Int32") },
        new() { ["Ice"] = 0, ["Bev"] = 1 },
        version: 1,
        ("Get", []));

    [Fact]
    public void NewFieldIds_NewEnumMembers_AndNewMethodsUnderAHigherVersion_AreCompatible()
    {
        var next = Manifest(
            new() { [0] = new("Vin", "System.String"), [1] = new("Km", "System.Int32"), [2] = new("Note", "System.String") },
            new() { ["Ice"] = 0, ["Bev"] = 1, ["Hev"] = 2 },
            version: 2,
            ("Get", []),
            ("Put", ["System.String"]));

        Assert.Empty(WireManifest.Breaks(Released, next));
    }

    [Fact]
    public void AFieldOfAnotherType_AReusedId_AndARemovedField_AreBreaks()
    {
        var retyped = Manifest(new() { [0] = new("Vin", "System.Int64"), [1] = new("Km", "System.Int32") }, new() { ["Ice"] = 0, ["Bev"] = 1 }, 1, ("Get", []));
        var reused = Manifest(new() { [0] = new("Vin", "System.String"), [1] = new("Note", "System.Int32") }, new() { ["Ice"] = 0, ["Bev"] = 1 }, 1, ("Get", []));
        var removed = Manifest(new() { [0] = new("Vin", "System.String") }, new() { ["Ice"] = 0, ["Bev"] = 1 }, 1, ("Get", []));

        Assert.Contains("field 0 (Vin) was System.String and is now System.Int64", Assert.Single(WireManifest.Breaks(Released, retyped)), StringComparison.Ordinal);
        Assert.Contains("field 1 was Km and is now Note", Assert.Single(WireManifest.Breaks(Released, reused)), StringComparison.Ordinal);
        Assert.Contains("field 1 (Km) is gone", Assert.Single(WireManifest.Breaks(Released, removed)), StringComparison.Ordinal);
    }

    [Fact]
    public void ARenumberedOrRemovedEnumMember_IsABreak()
    {
        var renumbered = Manifest(new() { [0] = new("Vin", "System.String"), [1] = new("Km", "System.Int32") }, new() { ["Ice"] = 0, ["Bev"] = 2 }, 1, ("Get", []));
        var removed = Manifest(new() { [0] = new("Vin", "System.String"), [1] = new("Km", "System.Int32") }, new() { ["Ice"] = 0 }, 1, ("Get", []));

        Assert.Contains("Bev was 1 and is now 2", Assert.Single(WireManifest.Breaks(Released, renumbered)), StringComparison.Ordinal);
        Assert.Contains("Bev = 1 is gone", Assert.Single(WireManifest.Breaks(Released, removed)), StringComparison.Ordinal);
    }

    [Fact]
    public void AMethodAddedUnderTheSameVersion_OrChanged_OrRemoved_IsABreak()
    {
        var fields = new SortedDictionary<uint, WireField> { [0] = new("Vin", "System.String"), [1] = new("Km", "System.Int32") };
        var members = new Dictionary<string, long> { ["Ice"] = 0, ["Bev"] = 1 };
        var addedUnversioned = Manifest(fields, members, 1, ("Get", []), ("Put", ["System.String"]));
        var changed = Manifest(fields, members, 1, ("Get", ["System.String"]));
        var removed = Manifest(fields, members, 2, ("Put", ["System.String"]));

        Assert.Contains("added Put but kept [Version(1)]", Assert.Single(WireManifest.Breaks(Released, addedUnversioned)), StringComparison.Ordinal);
        Assert.Contains("AfterSales.ISampleGrain/Get was () → Task and is now (System.String) → Task", Assert.Single(WireManifest.Breaks(Released, changed)), StringComparison.Ordinal);
        Assert.Contains("AfterSales.ISampleGrain/Get (GetAsync) is gone", Assert.Single(WireManifest.Breaks(Released, removed)), StringComparison.Ordinal);
    }

    [Fact]
    public void AValueReadFromOldBytes_MayHaveFieldsAddedSince_ButNotChangedOrMissingOnes()
    {
        var written = JsonNode.Parse("""{ "Vin": "V-1", "Visits": [ { "Km": 12 } ] }""");

        Assert.Null(WireRendering.Difference(written, JsonNode.Parse("""{ "Vin": "V-1", "Visits": [ { "Km": 12, "Note": null } ], "Region": null }""")));
        Assert.Equal("$.Visits[0].Km is 13, not 12", WireRendering.Difference(written, JsonNode.Parse("""{ "Vin": "V-1", "Visits": [ { "Km": 13 } ] }""")));
        Assert.Equal("$.Vin is missing", WireRendering.Difference(written, JsonNode.Parse("""{ "Visits": [ { "Km": 12 } ] }""")));
        Assert.Equal("$.Visits has 0 items, not 1", WireRendering.Difference(written, JsonNode.Parse("""{ "Vin": "V-1", "Visits": [] }""")));
    }

    private static WireManifest Manifest(
        SortedDictionary<uint, WireField> fields, Dictionary<string, long> members, int version, params (string Alias, string[] Parameters)[] methods) => new(
            new(StringComparer.Ordinal) { ["AfterSales.Sample"] = new WireType("AfterSales.Sample", fields) },
            new(StringComparer.Ordinal) { ["AfterSales.Powertrain"] = members },
            new(StringComparer.Ordinal)
            {
                ["AfterSales.ISampleGrain"] = new WireInterface(
                    "AfterSales.ISampleGrain",
                    version,
                    new(methods.ToDictionary(m => m.Alias, m => new WireMethod(m.Alias + "Async", m.Parameters, "Task")), StringComparer.Ordinal)),
            });
}
