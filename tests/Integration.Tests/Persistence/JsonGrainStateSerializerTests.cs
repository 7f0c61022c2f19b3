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
            ? v with { Visits = [v.Visits[0] with { Visit = v.Visits[0].Visit with { PartsUsed = [new PartUsed("AS-ENG-IGN-01", 2)], MainPartsReplaced = [] } }] }
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
