using AfterSales.Domain.Stations;

namespace AfterSales.Domain.Tests.Stations;

/// <summary>
/// Seed 000 §5.4.5: the graded assessment (服务商分级考核表) drives rewards and penalties (奖罚措施); a run of
/// consecutive D grades suspends the station (policy <c>SuspendAfterConsecutiveD</c>, default 2: the seeds give no number).
/// </summary>
public sealed class GradeConsequencesTests
{
    private static readonly GradePolicy Policy = new();

    [Theory]
    [InlineData("A", GradeConsequenceKind.Reward, 2000)]
    [InlineData("B", GradeConsequenceKind.None, 0)]
    [InlineData("C", GradeConsequenceKind.Penalty, 1000)]
    [InlineData("D", GradeConsequenceKind.Penalty, 3000)]
    public void EachGrade_MapsToItsPolicyConsequence(string grade, GradeConsequenceKind kind, decimal amount)
    {
        var c = GradeConsequences.For(grade, Policy);
        Assert.Equal(kind, c.Kind);
        Assert.Equal(amount, c.AmountCny);
    }

    [Fact]
    public void DefaultPolicy_SuspendsAfterTwoConsecutiveD() => Assert.Equal(2, Policy.SuspendAfterConsecutiveD);

    public static TheoryData<string, string, int, string?> Runs => new()
    {
        // grades (month:grade …), the month just frozen, N, the run that suspends (null: none)
        { "2026-04:D 2026-05:D", "2026-05", 2, "2026-04 2026-05" },      // D, D → suspend
        { "2026-03:D 2026-04:C 2026-05:D", "2026-05", 2, null },          // D, C, D → not
        { "2026-04:D", "2026-04", 2, null },                              // one D is not a run
        { "2026-03:D 2026-05:D", "2026-05", 2, null },                    // a month without a frozen grade breaks the run
        { "2026-05:D 2026-04:D", "2026-04", 2, "2026-04 2026-05" },       // the earlier month frozen last: same run
        { "2026-05:C 2026-04:D", "2026-04", 2, null },
        { "2026-12:D 2027-01:D", "2027-01", 2, "2026-12 2027-01" },       // across the year
        { "2026-03:D 2026-04:D 2026-05:D", "2026-05", 3, "2026-03 2026-04 2026-05" },
        { "2026-04:D 2026-05:D", "2026-05", 3, null },                    // N = 3: two are not enough
        { "2026-04:D", "2026-04", 1, "2026-04" },                         // N = 1: every D
        { "2026-04:D 2026-05:D", "2026-05", 0, null },                    // 0: the rule is off
        { "2026-04:D 2026-05:C", "2026-05", 2, null },                    // the month frozen is not D
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void SuspensionRun_NeedsNCalendarConsecutiveDs_IncludingTheMonth(string grades, string month, int n, string? expected)
    {
        var held = grades.Split(' ').Select(g => g.Split(':')).ToDictionary(g => g[0], g => g[1], StringComparer.Ordinal);
        var run = GradeConsequences.SuspensionRun(held, month, n);
        Assert.Equal(expected, run is null ? null : string.Join(' ', run));
    }
}
