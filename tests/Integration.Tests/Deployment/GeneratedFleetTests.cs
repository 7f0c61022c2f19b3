using AfterSales.Bench.Loader;

namespace AfterSales.Integration.Tests.Deployment;

/// <summary>
/// The generated fleet (the demo's and the benchmark loader's vehicles) is the same for a seed in every process, so a
/// second <c>./run.sh --demo</c> sends the same vehicles under the same keys and adds nothing. The values below were
/// produced by one process and are checked in another: a per-process hash (HashCode.Combine, as before) fails them.
/// </summary>
public sealed class GeneratedFleetTests
{
    private static readonly DateTimeOffset Day = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(7, 0, PinnedSeed70)]
    [InlineData(7, 1, PinnedSeed71)]
    [InlineData(2026, 0, PinnedSeed20260)]
    public void AVehiclesSeed_IsTheSameInEveryProcess(int seed, int index, int expected) =>
        Assert.Equal(expected, DataSet.VehicleSeed(seed, index));

    [Fact]
    public void AVehicle_IsTheSameInEveryProcess_ForTheSameSeedIndexAndDay()
    {
        var vehicle = DataSet.Vehicle(7, 0, Day);
        Assert.Equal((PinnedVin, PinnedModel, PinnedProduced), (vehicle.Vin, vehicle.Model, vehicle.ProductionDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        // The whole vehicle, its visits and their parts included, generated a second time.
        Assert.Equal(Json(vehicle), Json(DataSet.Vehicle(7, 0, Day)));
    }

    [Fact]
    public void NeighbouringIndexes_GiveUnrelatedVehicles()
    {
        var models = Enumerable.Range(0, 200).Select(i => DataSet.Vehicle(7, i, Day).Model).ToList();
        // Every model of the catalogue turns up among 200 neighbours (a seed mix that kept neighbours alike would repeat one).
        Assert.True(models.Distinct().Count() >= 5, $"models among 200 neighbouring vehicles: {string.Join(", ", models.Distinct())}");
    }

    private static string Json(GeneratedVehicle vehicle) =>
        System.Text.Json.JsonSerializer.Serialize(vehicle, new System.Text.Json.JsonSerializerOptions { IncludeFields = true });

    // Computed once (the seeds also by an independent SplitMix64 in Python); any process must give the same.
    private const int PinnedSeed70 = 1133140305;
    private const int PinnedSeed71 = 633578304;
    private const int PinnedSeed20260 = -1477043012;
    private const string PinnedVin = "LASEA3B59PH000000";
    private const string PinnedModel = "AS-E5";
    private const string PinnedProduced = "2023-08-30";
}
