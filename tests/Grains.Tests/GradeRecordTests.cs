using AfterSales.Grains.Stations;
using AfterSales.Interfaces.Reports;
using AfterSales.Interfaces.Stations;

namespace AfterSales.Grains.Tests;

/// <summary>
/// Seed 000 §5.4.5 (the graded assessment drives 奖罚措施) as the station takes a frozen month's grade in: once per
/// month, suspended by a run of consecutive D grades (the months named in the reason), each month counting toward one
/// suspension only.
/// </summary>
public sealed class GradeRecordTests
{
    private static readonly DateTimeOffset FrozenAt = new(2026, 7, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private static StationState Station => new()
    {
        Registry = new StationRegistration("Harbin 1", "Heilongjiang", "Harbin", 45.7, 126.6, 4, ["Wang"]),
    };

    private static StationGradeRecord Record(string month, string grade, int n = 2) =>
        new(month, grade, grade == "D" ? 0.4 : 0.9, new GradeConsequenceView(grade == "D" ? "penalty" : "none", grade == "D" ? 3000 : 0, "label"), n, FrozenAt);

    private static StationState Apply(StationState state, params StationGradeRecord[] records)
    {
        foreach (var record in records)
        {
            state = StationDecisions.RecordGrade(state, record, out _) ?? state;
        }

        return state;
    }

    [Fact]
    public void DThenD_SuspendsTheStation_NamingBothMonths()
    {
        var state = Apply(Station, Record("2026-05", "D"));
        Assert.Equal(StationAuthorisation.Active, state.Authorisation);

        var next = StationDecisions.RecordGrade(state, Record("2026-06", "D"), out var recorded)!;
        Assert.Equal(StationAuthorisation.Suspended, next.Authorisation);
        Assert.Contains("2026-05, 2026-06", next.AuthorisationReason, StringComparison.Ordinal);
        Assert.Equal(["2026-05", "2026-06"], recorded.SuspendedFor!);
        Assert.Equal(state.Version + 1, next.Version);
    }

    [Fact]
    public void DThenCThenD_DoesNotSuspend() =>
        Assert.Equal(StationAuthorisation.Active, Apply(Station, Record("2026-04", "D"), Record("2026-05", "C"), Record("2026-06", "D")).Authorisation);

    [Fact]
    public void AMonthRecordedAgain_ChangesNothing_AndAnswersTheFirstRecord()
    {
        var state = Apply(Station, Record("2026-05", "D"), Record("2026-06", "D"));
        Assert.Null(StationDecisions.RecordGrade(state, Record("2026-06", "A"), out var recorded));
        Assert.Equal("D", recorded.Grade);
        Assert.NotNull(recorded.SuspendedFor);
    }

    [Fact]
    public void MonthsThatSuspendedOnce_DoNotCountAgain_AfterReinstatement()
    {
        var state = Apply(Station, Record("2026-05", "D"), Record("2026-06", "D")) with { Authorisation = StationAuthorisation.Active, AuthorisationReason = null };

        // A third D pairs with no month still unused; a fourth makes a new run of two.
        state = Apply(state, Record("2026-07", "D"));
        Assert.Equal(StationAuthorisation.Active, state.Authorisation);
        state = Apply(state, Record("2026-08", "D"));
        Assert.Equal(StationAuthorisation.Suspended, state.Authorisation);
        Assert.Contains("2026-07, 2026-08", state.AuthorisationReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AStationAlreadySuspended_StaysAsItIs_AndTheRecordSaysSo()
    {
        var state = Apply(Station with { Authorisation = StationAuthorisation.Suspended, AuthorisationReason = "audit" }, Record("2026-05", "D"));
        var next = StationDecisions.RecordGrade(state, Record("2026-06", "D"), out var recorded)!;
        Assert.Equal("audit", next.AuthorisationReason);
        Assert.Contains("already suspended", recorded.SuspensionNote, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDocumentKeepsTheNewest24Months()
    {
        var state = Station;
        var month = new DateOnly(2024, 1, 1);
        for (var i = 0; i < 30; i++)
        {
            state = Apply(state, Record(month.AddMonths(i).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), "B"));
        }

        Assert.Equal(StationDecisions.GradeMonthsKept, state.Grades.Count);
        Assert.Equal("2024-07", state.Grades.Keys.First());
    }
}
