using AfterSales.Grains.Recalls;

namespace AfterSales.Grains.Tests;

/// <summary>
/// A campaign closes itself at 100 % only once it has stayed complete for the settling time: the fleet index counts a
/// vehicle registered a moment before once its entry arrives, and such a late entry must keep the campaign open.
/// </summary>
public sealed class RecallClosingTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(0, 0, false)] // covers no vehicle: never complete
    [InlineData(2, 1, false)]
    [InlineData(2, 2, true)]
    [InlineData(2, 3, true)] // a completion counted before its vehicle's index entry
    public void Complete_IsEveryAffectedVehicleCompleted(long affected, long completed, bool complete) =>
        Assert.Equal(complete, RecallClosing.IsComplete(affected, completed));

    public static TheoryData<string, DateTimeOffset?, bool, DateTimeOffset, DateTimeOffset?, bool> Cases() => new()
    {
        { "not complete: nothing to settle", null, false, Noon, null, false },
        { "complete now: settling starts now", null, true, Noon, Noon, false },
        { "still complete, a tick short of the settling time", Noon, true, Noon + Settle - TimeSpan.FromTicks(1), Noon, false },
        { "still complete at exactly the settling time: closes", Noon, true, Noon + Settle, Noon, true },
        { "still complete after it: closes", Noon, true, Noon + Settle + TimeSpan.FromDays(3), Noon, true },
        { "a late vehicle made it incomplete: the run ends", Noon, false, Noon + Settle, null, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Settle_ClosesOnlyAfterAnUnbrokenRunOfTheSettlingTime(string because, DateTimeOffset? since, bool complete, DateTimeOffset now, DateTimeOffset? expectedSince, bool close)
    {
        Assert.Equal((expectedSince, close), RecallClosing.Settle(since, complete, now, Settle));
        Assert.NotEmpty(because);
    }

    [Fact]
    public void WithNoSettlingTime_ACompleteCampaignClosesAtOnce() =>
        Assert.Equal(((DateTimeOffset?)Noon, true), RecallClosing.Settle(null, complete: true, Noon, TimeSpan.Zero));
}
