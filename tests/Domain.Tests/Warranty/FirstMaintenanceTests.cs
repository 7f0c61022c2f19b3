using AfterSales.Domain.Repairs;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Warranty;

public sealed class FirstMaintenanceTests
{
    // Start 2025-03-01: the window closes after 2025-09-01 or at 5,000 km.
    private static RepairVisit FirstMaintenance(string date, int km) =>
        Repair("FM", day: 0, km) with
        {
            Kind = VisitKind.FirstMaintenance,
            Warranty = false,
            AgreedAt = At(D(date)),
            CompletedAt = At(D(date), 11),
        };

    [Theory]
    [InlineData("2025-09-01", 4_999, FirstMaintenanceState.Due)] // last day, last km
    [InlineData("2025-09-02", 4_999, FirstMaintenanceState.Missed)] // day after
    [InlineData("2025-09-01", 5_000, FirstMaintenanceState.Missed)] // limit reached
    [InlineData("2025-03-01", 0, FirstMaintenanceState.Due)]
    public void FirstMaintenance_NotDone_IsDueUntilTheWindowCloses(string asOf, int km, FirstMaintenanceState expected)
    {
        var status = Assess(Vehicle(), D(asOf), km).FirstMaintenance!;

        Assert.Equal(expected, status.State);
        Assert.Equal(D("2025-09-01"), status.DueBy);
        Assert.Equal(5_000, status.DueAtKm);
        Assert.Null(status.VisitId);
    }

    [Theory]
    [InlineData("2025-09-01", 4_999, FirstMaintenanceState.Done)] // on the last day, below the limit
    [InlineData("2025-05-01", 4_999, FirstMaintenanceState.Done)]
    [InlineData("2025-09-02", 4_000, FirstMaintenanceState.Missed)] // a day late
    [InlineData("2025-06-01", 5_000, FirstMaintenanceState.Missed)] // at the km limit
    public void FirstMaintenance_IsDoneOnlyInsideTheWindow(string visitDate, int visitKm, FirstMaintenanceState expected)
    {
        var status = Assess(Vehicle(), D("2025-12-01"), 8_000, FirstMaintenance(visitDate, visitKm)).FirstMaintenance!;

        Assert.Equal(expected, status.State);
        Assert.Equal(expected == FirstMaintenanceState.Done ? "FM" : null, status.VisitId);
    }

    [Fact]
    public void FirstMaintenance_IsStillDue_WhenTheVisitIsAfterTheDateAsked()
    {
        var status = Assess(Vehicle(), D("2025-04-30"), 3_000, FirstMaintenance("2025-05-01", 3_100)).FirstMaintenance!;

        Assert.Equal(FirstMaintenanceState.Due, status.State);
    }

    [Fact]
    public void FirstMaintenance_IsNotDone_ByOrdinaryMaintenance()
    {
        var ordinary = FirstMaintenance("2025-05-01", 3_000) with { Kind = VisitKind.Maintenance };

        var status = Assess(Vehicle(), D("2025-06-01"), 3_500, ordinary).FirstMaintenance!;

        Assert.Equal(FirstMaintenanceState.Due, status.State);
    }
}
