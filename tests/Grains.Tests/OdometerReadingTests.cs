using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Tests;

/// <summary>Where VehicleDecisions.RecordOdometer draws its lines: backwards, unchanged, implausibly far, in the future.</summary>
public sealed class OdometerReadingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private const int CurrentKm = 10_000;

    // Not the default (2,000), so the tests show the limit comes from the policy.
    private static readonly VehicleOptions Options = new() { MaxKmPerDay = 500 };

    private static VehicleState InService(double hoursSinceLastReading)
    {
        var lastRead = Now.AddHours(-hoursSinceLastReading);
        return new VehicleState
        {
            Identity = new VehicleIdentity("LSVAU218XN2183294", "Q5", "B1", new DateOnly(2026, 1, 5), Powertrain.Ice, 200_000m),
            Lifecycle = VehicleLifecycle.InService,
            Owner = new OwnerView("Li", "13800000000", new DateOnly(2026, 2, 1)),
            OdometerKm = CurrentKm,
            OdometerReadAt = lastRead,
            OdometerLog = [new OdometerEntry(lastRead, CurrentKm)],
        };
    }

    public enum Expected
    {
        Changed,
        Unchanged,
        Conflict,
        Invalid,
    }

    [Theory]
    // Readings never go backwards.
    [InlineData(48, CurrentKm - 1, 0, Expected.Conflict)]
    // The same reading again is nothing to record.
    [InlineData(48, CurrentKm, 0, Expected.Unchanged)]
    // Two days at 500 km a day: exactly 1,000 km ahead is plausible, one more is not.
    [InlineData(48, CurrentKm + 1_000, 0, Expected.Changed)]
    [InlineData(48, CurrentKm + 1_001, 0, Expected.Conflict)]
    // Part of a day counts as a whole day: an hour after the last reading, a day's distance is allowed.
    [InlineData(1, CurrentKm + 500, 0, Expected.Changed)]
    [InlineData(1, CurrentKm + 501, 0, Expected.Conflict)]
    // Up to five minutes ahead of the grain's clock is clock skew; beyond is the future.
    [InlineData(48, CurrentKm + 100, 5, Expected.Changed)]
    [InlineData(48, CurrentKm + 100, 6, Expected.Invalid)]
    // A reading taken before the last one cannot be higher than it.
    [InlineData(48, CurrentKm + 100, -49 * 60, Expected.Conflict)]
    public void AnOdometerReading_IsJudgedAgainstTheLastOne(double hoursSinceLastReading, int readingKm, int minutesAfterNow, Expected expected)
    {
        var state = InService(hoursSinceLastReading);
        var readAt = Now.AddMinutes(minutesAfterNow);

        var decision = VehicleDecisions.RecordOdometer(state, new RecordOdometer(readingKm, readAt), Now, Options);

        switch (expected)
        {
            case Expected.Changed:
                Assert.Null(decision.Refusal);
                Assert.Equal((readingKm, readAt), (decision.Next!.OdometerKm, decision.Next.OdometerReadAt!.Value));
                break;
            case Expected.Unchanged:
                Assert.Null(decision.Next);
                Assert.Null(decision.Refusal);
                break;
            case Expected.Conflict:
                Assert.Null(decision.Next);
                Assert.Equal(OutcomeStatus.Conflict, decision.Refusal?.Status);
                break;
            default:
                Assert.Null(decision.Next);
                Assert.Equal(OutcomeStatus.Invalid, decision.Refusal?.Status);
                Assert.True(decision.Refusal!.Errors?.ContainsKey("readAt"), "the refusal names readAt");
                break;
        }
    }

    [Fact]
    public void AnImplausibleReading_IsExplainedWithThePolicysDailyLimit()
    {
        var decision = VehicleDecisions.RecordOdometer(InService(48), new RecordOdometer(CurrentKm + 5_000, Now), Now, Options);

        Assert.Contains("500 km a day", decision.Refusal?.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFirstReadingAfterDelivery_PutsTheVehicleInService()
    {
        var delivered = InService(48) with { Lifecycle = VehicleLifecycle.Delivered };

        var decision = VehicleDecisions.RecordOdometer(delivered, new RecordOdometer(CurrentKm + 10, Now), Now, Options);

        Assert.Equal(VehicleLifecycle.InService, decision.Next?.Lifecycle);
    }
}
