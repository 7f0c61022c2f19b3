using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Grains.Stations;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;
using AfterSales.Silo.Persistence;

namespace AfterSales.Grains.Tests;

/// <summary>The pure parts of the command pipeline: the station's decisions about its work orders, the outbox, the stored shape.</summary>
public sealed class PipelineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static StationState Station(params WorkOrderView[] orders) => new()
    {
        Registry = new StationRegistration("Harbin 1", "Heilongjiang", "Harbin", 45.7, 126.6, 4, ["Wang"]),
        WorkOrders = [.. orders],
        WorkOrdersOpened = orders.Length,
    };

    private static WorkOrderView Order(int n, WorkOrderState state, bool archived = false, ClaimState? claim = null) => new(
        $"S1-{n}", "S1", "LSVAU218XN2183294", VisitKind.Maintenance, 1_000, null, VehicleSystem.Other, WorkGrade.Minor, null, null,
        state, Now.AddHours(-3), Now.AddHours(-2), state is WorkOrderState.Completed or WorkOrderState.Settled ? Now.AddHours(-1) : null,
        null, null, null, claim, archived, 0, null);

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Settling_WaitsUntilTheVisitIsInTheVehiclesArchive(bool archived, bool refused)
    {
        var order = Order(1, WorkOrderState.Completed, archived);
        var decision = StationDecisions.Move(Station(order), order, WorkOrderCommand.Settle, Now, out var moved);

        Assert.Equal(refused, decision.Refusal is not null);
        if (refused)
        {
            Assert.Contains("archive", decision.Refusal!.Detail, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(WorkOrderState.Settled, moved.State);
        }
    }

    [Fact]
    public void ASettledOrder_LeavesTheLiveOrders_AsARowToWrite_AndTheCountOfOpenedStays()
    {
        var settled = Order(1, WorkOrderState.Completed, archived: true);
        var live = Order(2, WorkOrderState.InRepair);
        var state = Station(settled, live);

        var decision = StationDecisions.Move(state, settled, WorkOrderCommand.Settle, Now, out _);

        var next = decision.Next!;
        Assert.Equal(["S1-2"], next.WorkOrders.Select(o => o.Id));
        var row = Assert.Single(next.NewRowsWorkOrders!.Value);
        Assert.Equal((StationState.ClosedWorkOrderKind, "S1-1", WorkOrderState.Settled), (row.Kind, row.Key, row.Body.State));
        Assert.Equal(2, next.WorkOrdersOpened);
        Assert.True(StationDecisions.IsClosed(next, "S1", "S1-1"));
        Assert.False(StationDecisions.IsClosed(next, "S1", "S1-2"));
        Assert.False(StationDecisions.IsClosed(next, "S1", "S1-3"));
        Assert.Null(next.Written().NewRowsWorkOrders);
    }

    [Fact]
    public void TheNextOrderNumber_FollowsEveryOrderOpened_NotTheLiveOnes()
    {
        var state = Station(Order(7, WorkOrderState.Open)) with { WorkOrdersOpened = 7 };
        StationDecisions.Open(state, "S1", new OpenWorkOrder("LSVAU218XN2183294", 1_200, VisitKind.Maintenance, null, VehicleSystem.Other, null, null, WorkGrade.Minor), Now, out var order);
        Assert.Equal("S1-8", order.Id);
    }

    [Theory]
    [InlineData("S1-7", false)] // the last order it opened: known (live, or closed in its row)
    [InlineData("S1-8", true)]  // the next number: opened by a write this state has not seen, or made up
    [InlineData("S1-80", true)]
    [InlineData("S1-0", false)] // no order has number 0
    [InlineData("S1-", false)]
    [InlineData("S1-+8", false)]
    [InlineData("S10-8", false)] // another station's form
    [InlineData("S2-8", false)]
    public void AnIdPastTheOrdersOpened_IsOneThisStateMayBeBehindOn(string id, bool past)
    {
        var state = Station(Order(7, WorkOrderState.Open)) with { WorkOrdersOpened = 7 };

        Assert.Equal(past, StationDecisions.IsPastOpened(state, "S1", id));
        Assert.False(StationDecisions.IsPastOpened(new StationState(), "S1", id)); // no station: nothing to be behind on
    }

    [Fact]
    public void TheOutbox_Appends_AndAnAcknowledgementRemovesExactlyItsMessage()
    {
        OutboxMessage Report(string id) => new RollupReport("quality:2026-12", new CounterContribution(id, 1, ImmutableSortedDictionary<string, long>.Empty, Final: true)) { Id = id };
        var state = Station().Send(Report("a"), Report("b")).Send(Report("c"));

        Assert.Equal(["a", "b", "c"], state.Outbox.Select(m => m.Id));
        Assert.Equal(["a", "c"], state.Acknowledge("b").Outbox.Select(m => m.Id));
        Assert.Equal(["a", "b", "c"], state.Acknowledge("unknown").Outbox.Select(m => m.Id));
    }

    [Fact]
    public void EveryKindOfMessage_IsStoredAsPlainJsonWithItsKind_AndReadBackAsItWas()
    {
        var visit = new CompletedVisit("S1-1", "S1", VisitKind.Repair, Now, Now.AddHours(2), 1_000, "P0301", VehicleSystem.Engine, WorkGrade.Minor,
            true, false, [], false, SafetyDefect.None, 0, null, [], "Wang", null, null, false);
        var state = Station().Send(
            new VisitToVehicle("LSVAU218XN2183294", visit) { Id = "visit:S1-1:completed" },
            new RollupReport("station:S1:2026-12", new CounterContribution("wo:S1-1", 1,
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("completedWorkOrders", 1L)]), Final: true)) { Id = "grade:S1-1" },
            new FleetRepairReport("B1", new Interfaces.Recalls.FleetRepair("S1-1", "LSVAU218XN2183294", "Q5", "P0301", new DateOnly(2026, 12, 1))) { Id = "fleet:S1-1" },
            new AvailabilityUpdate("P-1", new Interfaces.Parts.DepotAvailability("D1", "Depot", "Hubei", 30.5, 114.3, 7, 3)) { Id = "availability:P-1" });
        var serializer = new JsonGrainStateSerializer();

        var json = serializer.Serialize(state).ToString();
        var read = serializer.Deserialize<StationState>(serializer.Serialize(state))!;

        foreach (var kind in new[] { "visit", "rollup", "fleetRepair", "availability" })
        {
            Assert.Contains($"\"$kind\":\"{kind}\"", json, StringComparison.Ordinal);
        }

        Assert.Equal(state.Outbox.Select(m => (m.GetType(), m.Id)), read.Outbox.Select(m => (m.GetType(), m.Id)));
        Assert.Equal("P0301", ((VisitToVehicle)read.Outbox[0]).Visit.FaultCode);
        Assert.Equal(1, ((RollupReport)read.Outbox[1]).Contribution.Counters["completedWorkOrders"]);
        Assert.Equal(7, ((AvailabilityUpdate)read.Outbox[3]).Availability.Available);

        // jsonb does not keep key order: the kind may come after the other properties.
        var reordered = json.Replace("{\"$kind\":\"availability\",", "{", StringComparison.Ordinal).Replace("\"id\":\"availability:P-1\"", "\"id\":\"availability:P-1\",\"$kind\":\"availability\"", StringComparison.Ordinal);
        Assert.NotEqual(json, reordered);
        Assert.IsType<AvailabilityUpdate>(serializer.Deserialize<StationState>(new BinaryData(reordered))!.Outbox[3]);
    }

    [Theory]
    [InlineData("S1-1")]
    [InlineData("visit with spaces/and:colons")]
    public void APageCursor_NamesTheKeyItWasMadeFrom(string visitId) =>
        Assert.Equal(visitId, PageCursor.Decode(PageCursor.Encode(visitId)));

    /// <summary>A review-queue key whose plain base64 holds '+' and '/': the cursor goes into a query string as it is.</summary>
    [Fact]
    public void APageCursor_IsSafeInAQueryStringAsItIs()
    {
        var key = "0639012345678901234|CL-~~~>>>???";

        var cursor = PageCursor.Encode(key);

        Assert.Contains('+', Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("v1:" + key)) + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(key)));
        Assert.Matches("^[A-Za-z0-9_-]+$", cursor);
        Assert.Equal(Uri.EscapeDataString(cursor), cursor);
    }

    [Theory]
    [InlineData("not a cursor!")]
    [InlineData("bm90LWEtY3Vyc29y")]
    public void TextThatIsNoCursor_DecodesToNothing(string text) => Assert.Null(PageCursor.Decode(text));
}
