using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Vehicles;
using AfterSales.Silo.Persistence;

namespace AfterSales.Integration.Tests.Persistence;

public sealed class JsonGrainStateSerializerTests
{
    private static readonly JsonGrainStateSerializer Serializer = new();

    [Fact]
    public void RepetitiveTextFields_AreOneInstance_AcrossStatesReadFromStorage()
    {
        var first = RoundTrip(Vehicle("LASCA1S40PS000001", "S-ZJ-0012", "王伟"));
        var second = RoundTrip(Vehicle("LASCA1S40PS000002", "S-ZJ-0012", "李娜"));

        Assert.Same(first.Identity!.Model, second.Identity!.Model);
        Assert.Same(first.Identity.Batch, second.Identity.Batch);
        Assert.Same(first.Visits[0].Visit.StationCode, second.Visits[0].Visit.StationCode);
        Assert.Same(first.Visits[0].Visit.FaultCode, second.Visits[0].Visit.FaultCode);
        Assert.Same(first.Visits[0].Visit.PartsUsed[0].PartNo, second.Visits[0].Visit.PartsUsed[0].PartNo);
        Assert.NotSame(first.Owner!.Name, second.Owner!.Name);
    }

    [Fact]
    public void SmallListsOfEqualContent_AreOneExactlySizedArray_AcrossStatesReadFromStorage()
    {
        var first = RoundTrip(Vehicle("LASCA1S40PS000004", "S-ZJ-0012", "王伟"));
        var second = RoundTrip(Vehicle("LASCA1S40PS000005", "S-GD-0331", "李娜"));
        var other = RoundTrip(Vehicle("LASCA1S40PS000006", "S-GD-0331", "张敏") is var v
            ? v with { Visits = [new VisitEntry(v.Visits[0].Visit with { PartsUsed = [new PartUsed("AS-ENG-IGN-01", 2)], MainPartsReplaced = [] }, v.Visits[0].RepairDays, v.Visits[0].Comeback, v.Visits[0].RecordedAt)] }
            : v);

        Assert.Same(first.Visits[0].Visit.PartsUsed, second.Visits[0].Visit.PartsUsed);
        Assert.Same(first.Visits[0].Visit.MainPartsReplaced, second.Visits[0].Visit.MainPartsReplaced);
        Assert.IsType<PartUsed[]>(first.Visits[0].Visit.PartsUsed);
        Assert.NotSame(first.Visits[0].Visit.PartsUsed, other.Visits[0].Visit.PartsUsed);
        Assert.Equal(2, other.Visits[0].Visit.PartsUsed[0].Quantity);
        Assert.Empty(other.Visits[0].Visit.MainPartsReplaced);
        Assert.Same(Array.Empty<string>(), other.Visits[0].Visit.MainPartsReplaced);
    }

    [Fact]
    public void SharingStrings_ChangesNeitherTheValuesNorTheStoredJson()
    {
        var state = Vehicle("LASCA1S40PS000003", "S-GD-0331", "张敏");

        var read = RoundTrip(state);

        Assert.Equal(state.Identity, read.Identity);
        Assert.Equal(state.Visits[0].Visit with { PartsUsed = [], MainPartsReplaced = [] }, read.Visits[0].Visit with { PartsUsed = [], MainPartsReplaced = [] });
        Assert.Equal(state.Visits[0].Visit.PartsUsed, read.Visits[0].Visit.PartsUsed);
        Assert.Equal(state.Visits[0].Visit.MainPartsReplaced, read.Visits[0].Visit.MainPartsReplaced);
        Assert.Equal(state.OdometerLog.ToArray(), read.OdometerLog.ToArray());
        Assert.Equal(Serializer.Serialize(state).ToString(), Serializer.Serialize(read).ToString());
    }

    [Fact]
    public void AnArchiveRow_IsStoredInTheShapeOfTheVisitRecord_AndReadBackUnchanged()
    {
        var visit = Vehicle("LASCA1S40PS000007", "S-ZJ-0012", "王伟").Visits[0].Visit with { AgreedAt = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromMinutes(-330)) };
        var recorded = new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.FromHours(8));
        var comeback = new ComebackView("WO-000007-0", WorkGrade.Minor, 3, 40, false);
        var row = new StoredVisit(2, new VisitEntry(visit, 1, comeback, recorded));

        var json = System.Text.Json.JsonSerializer.Serialize(row, JsonGrainStateSerializer.Options);

        // What the positional record (visit, repairDays, comeback, recordedAt) wrote: rows written before still read.
        var expected = new System.Text.Json.Nodes.JsonObject
        {
            ["seq"] = 2,
            ["entry"] = new System.Text.Json.Nodes.JsonObject
            {
                ["visit"] = System.Text.Json.JsonSerializer.SerializeToNode(visit, JsonGrainStateSerializer.Options),
                ["repairDays"] = 1,
                ["comeback"] = System.Text.Json.JsonSerializer.SerializeToNode(comeback, JsonGrainStateSerializer.Options),
                ["recordedAt"] = System.Text.Json.JsonSerializer.SerializeToNode(recorded, JsonGrainStateSerializer.Options),
            },
        };
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(expected, System.Text.Json.Nodes.JsonNode.Parse(json)), json);
        var read = System.Text.Json.JsonSerializer.Deserialize<StoredVisit>(json, JsonGrainStateSerializer.Options)!;
        Assert.Equal(visit with { PartsUsed = [], MainPartsReplaced = [] }, read.Entry.Visit with { PartsUsed = [], MainPartsReplaced = [] });
        Assert.True(read.Entry.Visit.AgreedAt.EqualsExact(visit.AgreedAt));
        Assert.True(read.Entry.RecordedAt.EqualsExact(recorded));
        Assert.Equal(comeback, read.Entry.Comeback);
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(read, JsonGrainStateSerializer.Options));
    }

    [Fact]
    public void FactsKeptOutOfLine_AreStoredAsTheStatesOwnFields_AndReadBackUnchanged()
    {
        var at = new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.FromHours(8));
        var plain = Vehicle("LASCA1S40PS000008", "S-ZJ-0012", "王伟");
        var state = plain with
        {
            PreviousOwners = [new OwnerView("李娜", "13900000000", new DateOnly(2025, 1, 1))],
            CoverageRestartedOn = new DateOnly(2026, 4, 1),
            ReplacesVin = "LASCA1S40PS000001",
            ReplacedByVin = "LASCA1S40PS000002",
            EndedOn = new DateOnly(2026, 6, 1),
            Erasures = [new PersonalDataErasureView(at, "op-1", "request", 1)],
            OpenBuybackCase = "BB-1",
            OdometerCorrections = [new OdometerCorrectionView(at, 9_999, 999, "typo", "op-1")],
        };

        var document = System.Text.Json.Nodes.JsonNode.Parse(Serializer.Serialize(state).ToString())!.AsObject();
        var read = RoundTrip(state);

        Assert.Equal("LASCA1S40PS000001", (string?)document["replacesVin"]);
        Assert.Equal("2026-06-01", (string?)document["endedOn"]);
        Assert.Equal("BB-1", (string?)document["openBuybackCase"]);
        Assert.Single(document["previousOwners"]!.AsArray());
        Assert.Equal(Serializer.Serialize(state).ToString(), Serializer.Serialize(read).ToString());
        Assert.Equal(state.PreviousOwners.ToArray(), read.PreviousOwners.ToArray());
        Assert.Equal(state.Erasures.ToArray(), read.Erasures.ToArray());
        Assert.Equal(state.OdometerCorrections.ToArray(), read.OdometerCorrections.ToArray());
        Assert.Equal((state.CoverageRestartedOn, state.ReplacesVin, state.ReplacedByVin, state.EndedOn, state.OpenBuybackCase),
            (read.CoverageRestartedOn, read.ReplacesVin, read.ReplacedByVin, read.EndedOn, read.OpenBuybackCase));
        Assert.Null(RoundTrip(plain).ReplacesVin);
        Assert.True(RoundTrip(plain).PreviousOwners.IsEmpty);
    }

    /// <summary>The document, and the archive the way its rows are written and read (grain_rows, the same JSON options).</summary>
    private static VehicleState RoundTrip(VehicleState state)
    {
        var document = Serializer.Serialize(state);
        Assert.DoesNotContain("\"visits\"", document.ToString(), StringComparison.Ordinal);
        var rows = state.Visits.Select((v, i) => System.Text.Json.JsonSerializer.Serialize(new StoredVisit(i, v), JsonGrainStateSerializer.Options)).ToList();
        return Serializer.Deserialize<VehicleState>(document)! with
        {
            Visits = [.. rows.Select(r => System.Text.Json.JsonSerializer.Deserialize<StoredVisit>(r, JsonGrainStateSerializer.Options)!.Entry)],
        };
    }

    private static VehicleState Vehicle(string vin, string station, string owner)
    {
        var agreed = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
        var visit = new CompletedVisit(
            $"WO-{vin[^6..]}-1", station, VisitKind.Repair, agreed, agreed.AddHours(5), 8_200, "P0301", VehicleSystem.Engine,
            WorkGrade.Minor, true, false, ["AS-ENG-CRANK"], false, SafetyDefect.None, 0, "Diagnosed P0301; repaired",
            [new PartUsed("AS-ENG-IGN-01", 1)], "A00347", null);
        return new VehicleState
        {
            Identity = new VehicleIdentity(vin, "AS-C11", "AS-C11-2601-B01", new DateOnly(2026, 1, 5), Powertrain.Ice, 119_800m),
            Lifecycle = VehicleLifecycle.InService,
            Owner = new OwnerView(owner, "13800000000", new DateOnly(2026, 2, 1)),
            DealerCode = "D-ZJ-018",
            OdometerKm = 8_200,
            OdometerLog = [new OdometerEntry(agreed.AddDays(-30), 6_100), new OdometerEntry(agreed, 8_200)],
            Visits = [new VisitEntry(visit, 1, null, agreed.AddHours(6))],
        };
    }
}
