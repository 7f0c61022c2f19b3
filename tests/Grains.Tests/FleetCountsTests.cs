using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Grains.Recalls;
using AfterSales.Silo.Persistence;

namespace AfterSales.Grains.Tests;

/// <summary>
/// A fleet batch counts its vehicles by model and region instead of keeping their VINs; what a campaign's subscription
/// covers must come out the same as counting the vehicles one by one.
/// </summary>
public sealed class FleetCountsTests
{
    private static readonly ImmutableSortedSet<string> M1 = ImmutableSortedSet.Create(StringComparer.Ordinal, "M1");

    private static ImmutableSortedSet<string> Vins(params string[] vins) => ImmutableSortedSet.Create(StringComparer.Ordinal, vins);

    private static FleetBatchState Batch(params (string Vin, string Model, string? Region)[] vehicles) =>
        vehicles.Aggregate(new FleetBatchState(), (batch, v) => FleetCounts.Add(batch, v.Vin, new FleetMember(v.Model, v.Region)));

    private static Dictionary<string, long> Regions(FleetBatchState batch, BatchSubscription subscription) =>
        FleetCounts.ByRegion(batch, subscription).ToDictionary(r => r.Key, r => r.Value);

    [Fact]
    public void AddingVehicles_CountsThemByModelAndDeliveredOnesByModelAndRegion()
    {
        var batch = Batch(("V1", "M1", "Guangdong"), ("V2", "M1", null), ("V3", "M2", "Hunan"));

        Assert.Equal(3, batch.VehicleCount);
        Assert.Equal(2, batch.Models["M1"]);
        Assert.Equal(1, batch.Regions["M1"]["Guangdong"]);
        Assert.False(batch.Regions["M1"].ContainsKey("Hunan"));
        Assert.Equal(1, batch.Regions["M2"]["Hunan"]);
    }

    [Fact]
    public void AVehicleDeliveredLater_MovesFromNoRegionToItsRegion_AndBumpsTheRevision()
    {
        var batch = Batch(("V1", "M1", null));

        var moved = FleetCounts.Move(batch, "V1", new FleetMember("M1", null), new FleetMember("M1", "Hunan"));

        Assert.Equal(1, moved.VehicleCount);
        Assert.Equal(1, moved.Regions["M1"]["Hunan"]);
        Assert.Equal(batch.Revision + 1, moved.Revision);
        var back = FleetCounts.Move(moved, "V1", new FleetMember("M1", "Hunan"), new FleetMember("M1", "Hebei"));
        Assert.Equal(["Hebei"], back.Regions["M1"].Keys);
    }

    [Fact]
    public void ASubscription_CountsVehiclesOfItsModelsAddedAfterIt_ButNotItsListedVins()
    {
        var batch = new FleetBatchState
        {
            Subscriptions = ImmutableSortedDictionary.Create<string, BatchSubscription>(StringComparer.Ordinal)
                .Add("RC1", new BatchSubscription(0, 0, Vins("V2"), Models: M1)),
        };

        batch = FleetCounts.Add(batch, "V1", new FleetMember("M1", "Guangdong"));
        batch = FleetCounts.Add(batch, "V2", new FleetMember("M1", "Guangdong"));
        batch = FleetCounts.Add(batch, "V3", new FleetMember("M2", "Hunan"));

        var subscription = batch.Subscriptions["RC1"];
        // V1 counted; V2 is listed (the campaign counts it), V3 is another model.
        Assert.Equal(1, subscription.AddedSince);
        Assert.Equal(["V2"], subscription.ListedHere.Keys);
        Assert.Equal(2, Regions(batch, subscription)["Guangdong"]);
        Assert.False(Regions(batch, subscription).ContainsKey("Hunan"));
    }

    [Theory]
    [InlineData(null, 3L)] // the whole batch: V1, V3, V4 (V2 is listed)
    [InlineData("M1", 1L)] // M1 only: V1 (V2 listed)
    [InlineData("M2", 2L)]
    public void CountedByModel_IsTheCoveredModelsVehiclesLessTheListedOnes(string? model, long expected)
    {
        var batch = Batch(("V1", "M1", null), ("V2", "M1", null), ("V3", "M2", null), ("V4", "M2", null));
        var models = model is null ? null : ImmutableSortedSet.Create(StringComparer.Ordinal, model);
        var subscription = new BatchSubscription(0, 0, Vins("V2", "X9"), Models: models)
        {
            ListedHere = FleetCounts.NoMembers.Add("V2", new FleetMember("M1", null)),
        };

        Assert.Equal(expected, FleetCounts.CountedByModel(batch, subscription, subscription.Coverage));
    }

    [Fact]
    public void AListedVehicleOfAnUncoveredModel_CountsInItsRegionOnce_AndAListedOnlySubscriptionCountsOnlyItsListedVehicles()
    {
        var batch = Batch(("V1", "M1", "Guangdong"), ("V2", "M2", "Hunan"), ("V3", "M2", "Hunan"));
        var listedV2 = FleetCounts.NoMembers.Add("V2", new FleetMember("M2", "Hunan"));

        var overM1 = new BatchSubscription(0, 0, Vins("V2"), Models: M1) { ListedHere = listedV2 };
        Assert.Equal(new Dictionary<string, long> { ["Guangdong"] = 1, ["Hunan"] = 1 }, Regions(batch, overM1));

        var overAll = new BatchSubscription(0, 0, Vins("V2")) { ListedHere = listedV2 };
        Assert.Equal(new Dictionary<string, long> { ["Guangdong"] = 1, ["Hunan"] = 2 }, Regions(batch, overAll));

        var listedOnly = new BatchSubscription(0, 0, Vins("V2"), ListedOnly: true) { ListedHere = listedV2 };
        Assert.Equal(new Dictionary<string, long> { ["Hunan"] = 1 }, Regions(batch, listedOnly));
    }

    [Fact]
    public void TheStoredBatch_HasCountsAndNoVins_AndItsNewRowsLeaveOnceWritten()
    {
        var batch = Batch(Enumerable.Range(0, 500).Select(i => ($"V{i:D5}", "M1", (string?)"Guangdong")).ToArray()) with
        {
            NewRowsMembers = [new TypedRow<FleetMember>(FleetBatchState.MemberKind, "V00001", new FleetMember("M1", "Guangdong"))],
        };

        var written = System.Text.Json.JsonSerializer.Serialize(batch.Written(), JsonGrainStateSerializer.Options);

        Assert.DoesNotContain("V00001", written, StringComparison.Ordinal);
        Assert.Contains("\"models\":{\"M1\":500}", written, StringComparison.Ordinal);
        Assert.True(written.Length < 400, written);
    }
}
