using AfterSales.Domain.Complaints;
using AfterSales.Grains.Complaints;
using AfterSales.Interfaces.Complaints;
using AfterSales.Interfaces.Network;
using AfterSales.Silo.Persistence;

namespace AfterSales.Integration.Tests.Persistence;

public sealed class ComplaintStateSerializationTests
{
    private static readonly JsonGrainStateSerializer Serializer = new();

    [Fact]
    public void ComplaintState_WithClocksHistoryAndARememberedReply_ReadsBackAsWritten()
    {
        var at = new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);
        var intake = new ComplaintIntake("Li Lei", "13800000000", "LSVAU218XN2183294", ComplaintCategory.ProductQuality, ComplaintSeverity.Major,
            45.8, 126.6, "Engine light", ComplaintChannel.CallCentre, false);
        var station = new CardStation("S1", "Harbin 1", "Heilongjiang", 11.1);
        var state = ComplaintDecisions.Register(intake, "F1", station, StationAttribution.Nearest, "network", new SlaPolicy(), "callCentre:desk-7", at, TimeSpan.FromHours(8));
        state = ComplaintDecisions.CatchUp(state, at.AddMinutes(31), TimeSpan.FromHours(8));
        var (_, next) = ComplaintDecisions.Act(state, "C1", new ComplaintCommand(ComplaintAction.Respond, "late"), "station:S1", at.AddMinutes(40));
        // The key row written with the step (it leaves the document in SQL, migration 0007) is plain JSON too.
        state = next! with
        {
            NewRows = [new Grains.Common.TypedRow<RememberedComplaintRequest>("key", "k1", new RememberedComplaintRequest("k1", "F2", at.AddMinutes(40), ComplaintDecisions.ToView(next, "C1")))],
        };

        var json = Serializer.Serialize(state).ToString();
        var read = Serializer.Deserialize<ComplaintGrainState>(Serializer.Serialize(state))!;

        Assert.Contains("\"status\":\"breached\"", json, StringComparison.Ordinal);
        Assert.Equal(json, Serializer.Serialize(read).ToString());
        Assert.Equal(state.Clocks.ToArray(), read.Clocks.ToArray());
        Assert.Equal(state.History.ToArray(), read.History.ToArray());
        Assert.Equal(state.Intake, read.Intake);
        Assert.Equal("2026-06", read.Month);
        Assert.Contains("\"newRows\":[{\"kind\":\"key\",\"key\":\"k1\"", json, StringComparison.Ordinal);
        Assert.Equal(ComplaintState.Responded, read.NewRows!.Value[0].Body.Reply.State);
        Assert.Equal(["respond"], read.NewRows!.Value[0].Body.Reply.Sla.Breaches.Select(b => b.Clock.ToString().ToLowerInvariant()));
    }
}
