using AfterSales.Domain.Complaints;

namespace AfterSales.Domain.Tests.Complaints;

public sealed class SlaRulesTests
{
    private static readonly DateTimeOffset Reported = new(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly SlaPolicy Policy = new();

    [Theory]
    [InlineData(0.0, false, SlaClockKind.Arrive, 4 * 60)]
    [InlineData(99.999, false, SlaClockKind.Arrive, 4 * 60)]
    [InlineData(100.0, false, SlaClockKind.Arrive, 4 * 60)]
    [InlineData(100.001, false, SlaClockKind.Reply, 2 * 60)]
    [InlineData(480.0, false, SlaClockKind.Reply, 2 * 60)]
    [InlineData(5.0, true, SlaClockKind.Reply, 2 * 60)]
    public void Start_RespondIn30Minutes_AndOnSiteInsideTheRadiusOrReplyBeyondIt(double distanceKm, bool supplier, SlaClockKind second, int minutes)
    {
        var clocks = SlaRules.Start(Reported, distanceKm, supplier, Policy);
        Assert.Equal(2, clocks.Length);
        Assert.Equal(new SlaClock(SlaClockKind.Respond, Reported.AddMinutes(30)), clocks[0]);
        Assert.Equal(new SlaClock(second, Reported.AddMinutes(minutes)), clocks[1]);
    }

    [Theory]
    [InlineData("00:29:59", SlaClockStatus.Met)]
    [InlineData("00:30:00", SlaClockStatus.Met)]
    [InlineData("00:30:01", SlaClockStatus.Breached)]
    [InlineData("03:59:59", SlaClockStatus.Breached)]
    public void Respond_MetUpTo30Minutes_BreachedAfter(string after, SlaClockStatus expected)
    {
        var at = Reported + TimeSpan.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        var clocks = SlaRules.Apply(SlaRules.Start(Reported, 10, false, Policy), ComplaintStep.Respond, at);
        Assert.Equal(expected, clocks[0].Status);
        Assert.Equal(at, clocks[0].EndedAt);
        Assert.Equal(SlaClockStatus.Running, clocks[1].Status);
    }

    [Theory]
    [InlineData(SlaClockKind.Arrive, 10.0, "03:59:59", SlaClockStatus.Met)]
    [InlineData(SlaClockKind.Arrive, 10.0, "04:00:01", SlaClockStatus.Breached)]
    [InlineData(SlaClockKind.Reply, 150.0, "01:59:59", SlaClockStatus.Met)]
    [InlineData(SlaClockKind.Reply, 150.0, "02:00:01", SlaClockStatus.Breached)]
    public void SecondClock_BoundaryOfItsDueTime(SlaClockKind kind, double distanceKm, string after, SlaClockStatus expected)
    {
        var step = kind == SlaClockKind.Arrive ? ComplaintStep.Arrive : ComplaintStep.Reply;
        var clocks = SlaRules.Start(Reported, distanceKm, false, Policy);
        clocks = SlaRules.Apply(clocks, ComplaintStep.Respond, Reported.AddMinutes(5));
        clocks = SlaRules.Apply(clocks, step, Reported + TimeSpan.Parse(after, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(kind, clocks[1].Kind);
        Assert.Equal(expected, clocks[1].Status);
    }

    [Fact]
    public void Breach_AtTheDueInstant_NothingYet_OneTickLater_Breached()
    {
        var clocks = SlaRules.Start(Reported, 10, false, Policy);
        Assert.Equal(clocks, SlaRules.Breach(clocks, Reported.AddMinutes(30), out var none));
        Assert.Equal(0, none);
        var breached = SlaRules.Breach(clocks, Reported.AddMinutes(30).AddTicks(1), out var one);
        Assert.Equal(1, one);
        Assert.Equal(SlaClockStatus.Breached, breached[0].Status);
        Assert.Equal(Reported.AddMinutes(30).AddTicks(1), breached[0].EndedAt);
        Assert.Equal(SlaClockStatus.Running, breached[1].Status);
        Assert.Equal(Reported.AddHours(4), SlaRules.NextDue(breached));
    }

    [Fact]
    public void Breach_LateCatchUp_BreachesEveryOverdueClockOnce()
    {
        var clocks = SlaRules.Breach(SlaRules.Start(Reported, 10, false, Policy), Reported.AddHours(5), out var count);
        Assert.Equal(2, count);
        Assert.Equal(2, SlaRules.Breaches(clocks));
        Assert.Null(SlaRules.NextDue(clocks));
        Assert.Equal(clocks, SlaRules.Breach(clocks, Reported.AddHours(9), out var again));
        Assert.Equal(0, again);
    }

    [Fact]
    public void Arrive_AlsoAnswersTheReplyClock()
    {
        var clocks = SlaRules.Start(Reported, 150, false, Policy);
        clocks = SlaRules.Apply(clocks, ComplaintStep.Respond, Reported.AddMinutes(1));
        clocks = SlaRules.Apply(clocks, ComplaintStep.Arrive, Reported.AddHours(1));
        Assert.Equal(SlaClockStatus.Met, clocks[1].Status);
    }

    [Fact]
    public void Resolve_StopsClocksStillRunning()
    {
        var clocks = SlaRules.Start(Reported, 10, false, Policy);
        clocks = SlaRules.Apply(clocks, ComplaintStep.Respond, Reported.AddMinutes(1));
        clocks = SlaRules.Apply(clocks, ComplaintStep.Resolve, Reported.AddHours(1));
        Assert.Equal(SlaClockStatus.Stopped, clocks[1].Status);
        Assert.Null(SlaRules.NextDue(clocks));
    }

    [Fact]
    public void Policy_Defaults_AreValid_AndBadValuesAreNamed()
    {
        Assert.Empty(Policy.Validate());
        var problems = (Policy with { RespondWithin = TimeSpan.Zero, ServiceRadiusKm = -1 }).Validate();
        Assert.Contains(problems, p => p.StartsWith("RespondWithin", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ServiceRadiusKm", StringComparison.Ordinal));
    }
}
