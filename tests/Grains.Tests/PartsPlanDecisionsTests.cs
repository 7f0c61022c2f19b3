using System.Text.Json.Nodes;
using AfterSales.Grains.Common;
using AfterSales.Grains.Parts;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;
using AfterSales.Silo.Persistence;

namespace AfterSales.Grains.Tests;

/// <summary>A month's parts plan (PartsPlanDecisions): the deadline, a submission, its idempotency key as a row, and the procurement list.</summary>
public sealed class PartsPlanDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 3, 9, 0, 0, TimeSpan.FromHours(8));

    private static PartsPlanState Submit(PartsPlanState state, string station, string region, string? key, params (string Part, int Quantity)[] lines) =>
        PartsPlanDecisions.Submit(state, "2026-07", station, region, [.. lines.Select(l => new PartQuantity(l.Part, l.Quantity))], Now, key, "F-" + station, out _);

    [Theory]
    [InlineData("2026-07-10", true)]
    [InlineData("2026-06-20", true)]
    [InlineData("2026-07-11", false)]
    [InlineData("2026-08-01", false)]
    public void PlansAreAccepted_UntilTheDeadlineDayOfTheirMonth(string today, bool accepted)
    {
        var refusal = PartsPlanDecisions.CanSubmit("2026-07", 10, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(accepted, refusal is null);
        if (!accepted)
        {
            Assert.Equal(OutcomeStatus.Conflict, refusal!.Status);
            Assert.Contains("accepted until 2026-07-10 (day 10 of the month)", refusal.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ASubmission_AddsUpAPartNamedTwice_SortsByPart_AndReplacesTheStationsEarlierPlan()
    {
        var first = Submit(new PartsPlanState(), "S1", "Hubei", null, ("P-2", 1));

        var next = PartsPlanDecisions.Submit(first, "2026-07", "S1", "Hubei",
            [new PartQuantity("P-9", 2), new PartQuantity("P-1", 3), new PartQuantity("P-9", 4)], Now, null, "F", out var submitted);

        Assert.Equal(new[] { new PartQuantity("P-1", 3), new PartQuantity("P-9", 6) }, submitted.Lines);
        Assert.Equal(("2026-07", "S1", "Hubei", Now), (submitted.Month, submitted.StationCode, submitted.Region, submitted.SubmittedAt));
        Assert.Same(submitted, Assert.Single(next.Plans).Value);
        Assert.Null(next.NewRows);
    }

    [Fact]
    public void AKeyedSubmission_CarriesItsKeyAndReplyAsARow_ThatIsGoneOnceWritten()
    {
        var next = PartsPlanDecisions.Submit(new PartsPlanState(), "2026-07", "S1", "Hubei", [new PartQuantity("P-1", 3)], Now, "plan-1", "F1", out var submitted);

        var row = Assert.Single(next.NewRows!.Value);
        Assert.Equal((IdempotencyKeys.Kind, "plan-1"), (row.Kind, row.Key));
        Assert.Equal(new RememberedPlan("plan-1", "F1", Now, submitted), row.Body);
        Assert.Null(next.Written().NewRows);
        Assert.Same(next.Plans, next.Written().Plans);
    }

    [Fact]
    public void AReplay_AnswersTheFirstReply_ForTheSameRequest_AndIsAConflictForAnother()
    {
        PartsPlanDecisions.Submit(new PartsPlanState(), "2026-07", "S1", "Hubei", [new PartQuantity("P-1", 3)], Now, "plan-1", "F1", out var submitted);
        var remembered = new RememberedPlan("plan-1", "F1", Now, submitted);

        Assert.Same(submitted, PartsPlanDecisions.Replay(remembered, "F1").Value);
        var other = PartsPlanDecisions.Replay(remembered, "F2").Refusal!;
        Assert.Equal(OutcomeStatus.Conflict, other.Status);
        Assert.Contains("'plan-1'", other.Detail, StringComparison.Ordinal);
        // A key carried over from a document whose plan was replaced since (migration 0011) has no reply: refused, never applied again.
        Assert.Equal(OutcomeStatus.Conflict, PartsPlanDecisions.Replay(remembered with { Plan = null }, "F1").Status);
    }

    [Fact]
    public void TheProcurementList_AddsUpEveryStationsPlan_PerPartAndPerRegion()
    {
        var state = Submit(new PartsPlanState(), "S1", "Hubei", null, ("P-1", 4), ("P-2", 1));
        state = Submit(state, "S2", "Hainan", null, ("P-1", 7));
        state = Submit(state, "S3", "Hainan", null, ("P-2", 2));

        var list = PartsPlanDecisions.ToProcurementList(state, "2026-07", new DateOnly(2026, 7, 10));

        Assert.Equal(("2026-07", new DateOnly(2026, 7, 10), 3), (list.Month, list.SubmitBy, list.Stations));
        Assert.Equal(new[] { "P-1", "P-2" }, list.Lines.Select(l => l.PartNo));
        Assert.Equal((11, 4, 7), (list.Lines[0].Total, list.Lines[0].ByRegion["Hubei"], list.Lines[0].ByRegion["Hainan"]));
        Assert.Equal((3, 1, 2), (list.Lines[1].Total, list.Lines[1].ByRegion["Hubei"], list.Lines[1].ByRegion["Hainan"]));
    }

    [Fact]
    public void AStoredPlan_IsPlainJson_WithItsNewKeyUnderNewRows_AndADocumentStillHoldingTheOldKeysLoads()
    {
        var serializer = new JsonGrainStateSerializer();
        var next = Submit(new PartsPlanState(), "S1", "Hubei", "plan-1", ("P-1", 3));

        // What the write function takes out of the document into grain_rows: {"kind", "key", "body"}.
        var json = JsonNode.Parse(serializer.Serialize(next).ToString())!;
        Assert.Equal("key", (string?)json["newRows"]![0]!["kind"]);
        Assert.Equal("plan-1", (string?)json["newRows"]![0]!["key"]);
        Assert.Equal("S1", (string?)json["newRows"]![0]!["body"]!["plan"]!["stationCode"]);
        Assert.Null(JsonNode.Parse(serializer.Serialize(next.Written()).ToString())!["newRows"]);

        // A document written before the keys were rows (migration 0011 removes them; one not yet migrated still loads).
        json.AsObject().Remove("newRows");
        json["keys"] = JsonNode.Parse("""{"old-key":{"fingerprint":"F","at":"2026-07-01T01:00:00+00:00"}}""");
        var read = serializer.Deserialize<PartsPlanState>(new BinaryData(json.ToJsonString()))!;
        Assert.Equal(3, read.Plans["S1"].Lines[0].Quantity);
    }
}
