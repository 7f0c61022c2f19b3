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
        Assert.Equal(3, clocks.Length);
        Assert.Equal(new SlaClock(SlaClockKind.Resolve, Reported.AddHours(24)), clocks[2]);
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
        Assert.Equal(Reported.AddHours(24), SlaRules.NextDue(clocks));
        Assert.Equal(clocks, SlaRules.Breach(clocks, Reported.AddHours(9), out var again));
        Assert.Equal(0, again);
    }

    [Theory]
    [InlineData(-1, SlaClockStatus.Met)]
    [InlineData(0, SlaClockStatus.Met)]
    [InlineData(1, SlaClockStatus.Breached)]
    public void Resolve_MetUpTo24Hours_BreachedAfter(int secondsAfter24Hours, SlaClockStatus expected)
    {
        // Seed 004 §二.1: solve the customer's problem within 24 hours.
        var clocks = SlaRules.Start(Reported, 10, false, Policy);
        clocks = SlaRules.Apply(clocks, ComplaintStep.Respond, Reported.AddMinutes(1));
        clocks = SlaRules.Apply(clocks, ComplaintStep.Arrive, Reported.AddHours(1));
        clocks = SlaRules.Apply(clocks, ComplaintStep.Resolve, Reported.AddHours(24).AddSeconds(secondsAfter24Hours));
        Assert.Equal(expected, clocks.Single(c => c.Kind == SlaClockKind.Resolve).Status);
    }

    [Theory]
    [InlineData(ComplaintStep.Arrive, -1, SlaClockStatus.Met)]
    [InlineData(ComplaintStep.Arrive, 0, SlaClockStatus.Met)]
    [InlineData(ComplaintStep.Arrive, 1, SlaClockStatus.Breached)]
    [InlineData(ComplaintStep.Resolve, 0, SlaClockStatus.Met)]
    [InlineData(ComplaintStep.Resolve, 1, SlaClockStatus.Breached)]
    public void AgreedTime_MetByArrivingOrResolvingByThen(ComplaintStep step, int secondsAfter, SlaClockStatus expected)
    {
        // Seed 003 §服务文化 4: beyond the radius, reply and agree a time with the customer; that time is a clock of its own.
        var agreed = Reported.AddHours(6);
        var clocks = SlaRules.Start(Reported, 150, false, Policy);
        clocks = SlaRules.Apply(clocks, ComplaintStep.Respond, Reported.AddMinutes(1));
        clocks = SlaRules.Agree(SlaRules.Apply(clocks, ComplaintStep.Reply, Reported.AddHours(1)), agreed);
        clocks = SlaRules.Apply(clocks, step, agreed.AddSeconds(secondsAfter));
        Assert.Equal(expected, clocks.Single(c => c.Kind == SlaClockKind.Agreed).Status);
    }

    [Theory]
    [InlineData(CardKind.Complaint, 10.0, false, "respond:0.00:30, resolve:1.00:00")]
    [InlineData(CardKind.ServiceRequest, 10.0, false, "respond:0.00:30, arrive:0.04:00, resolve:1.00:00")]
    [InlineData(CardKind.ServiceRequest, null, false, "respond:0.00:30, reply:0.02:00, resolve:1.00:00")]
    public void StartCard_AComplaintHasNoSiteVisit_AQueuedRequestIsBeyondEveryRadius(CardKind kind, double? distanceKm, bool supplier, string expected) =>
        Assert.Equal(expected, Describe(SlaRules.StartCard(kind, Reported, distanceKm, supplier, Policy)));

    [Theory]
    [InlineData("network", 10.0, "respond:0.00:30, arrive:0.04:00, resolve:1.00:00")]
    [InlineData("network", 150.0, "respond:0.00:30, reply:0.02:00, resolve:1.00:00")]
    [InlineData("seed003", 100.0, "respond:0.00:30, arrive:0.04:00")]
    [InlineData("seed003", 100.001, "respond:0.00:30, reply:0.02:00")]
    [InlineData("seed002-standards", 10.0, "respond:1.00:00")]
    [InlineData("seed002-control", 10.0, "respond:0.08:00, arrive:0.08:00")]
    [InlineData("seed002-control", 400.0, "respond:0.08:00, arrive:0.08:00")]
    [InlineData("seed004", 10.0, "respond:0.00:30, resolve:1.00:00")]
    [InlineData("seed004-field", 10.0, "respond:0.00:30, resolve:3.00:00")]
    [InlineData("seed001", 100.0, "respond:0.00:30, arrive:2.00:00")]
    [InlineData("seed001", 100.001, "respond:0.00:30, arrive:4.00:00")]
    public void NamedSchemes_StartTheClocksTheirSeedNames(string scheme, double distanceKm, string expected)
    {
        // Seed 003 §服务文化 4; seed 002 售后服务的标准及要求 §4 and 客户服务控制程序 §4.2.1–4.2.2; seed 004 客户服务标准 1 and
        // 服务和顾客反馈控制程序; seed 001 §5.3.3 (本市二天内, 外省市四天内, "the same city" read as the service radius).
        var policy = SlaSchemes.BuiltIn[scheme];
        Assert.Empty(policy.Validate());
        Assert.Equal(expected, Describe(SlaRules.StartCard(CardKind.ServiceRequest, Reported, distanceKm, false, policy)));
    }

    private static string Describe(IEnumerable<SlaClock> clocks) =>
        string.Join(", ", clocks.Select(c => $"{c.Kind.ToString().ToLowerInvariant()}:{(c.DueAt - Reported).ToString(@"d\.hh\:mm", System.Globalization.CultureInfo.InvariantCulture)}"));

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
        Assert.Equal(SlaClockStatus.Met, clocks[2].Status);
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
