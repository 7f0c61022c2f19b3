using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Warranty;

/// <summary>
/// Business time: every date rule takes an instant's date in China Standard Time (UTC+08:00, policy) first. Stations
/// record UTC instants; between 00:00 and 08:00 Beijing time the UTC date is the day before, which must not move a
/// repair out of (or into) the Art. 22 seven days, the Art. 20/23 sixty days, the 首保 window or the repair-quality
/// guarantee. Each case is an instant recorded in UTC.
/// </summary>
public sealed class BusinessTimeTests
{
    /// <summary><paramref name="hour"/>:<paramref name="minute"/> Beijing time on <paramref name="day"/>, recorded in UTC.</summary>
    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => Day(day, hour, minute).ToUniversalTime();

    private static RepairVisit EngineMainPart(DateTimeOffset agreedAt) =>
        Repair("R1", 0) with { System = VehicleSystem.Engine, MainPartsReplaced = ["ENG-CRANK"], AgreedAt = agreedAt, CompletedAt = agreedAt.AddHours(2) };

    [Theory]
    [InlineData(7, 7, 59, true)] // 07:59 on day 7 in Beijing is 23:59 UTC on day 6: inside either way
    [InlineData(8, 0, 0, false)] // 00:00 on day 8 in Beijing is 16:00 UTC on day 7: day 8, outside
    [InlineData(8, 1, 30, false)] // 01:30 on day 8: outside, though its UTC date is day 7
    [InlineData(7, 23, 59, true)]
    public void Article22_SevenDays_CountInBeijingDates(int day, int hour, int minute, bool entitled)
    {
        var assessment = Assess(30, 2_000, EngineMainPart(Utc(day, hour, minute)));

        Assert.Equal(entitled, assessment.ByArticle("Art. 22").Count == 1);
    }

    [Theory]
    [InlineData(60, 7, 0, true)]
    [InlineData(61, 0, 30, false)] // 00:30 on day 61 in Beijing is still day 60 in UTC
    public void Article23_SixtyDays_CountInBeijingDates(int day, int hour, int minute, bool entitled)
    {
        var agreed = Utc(day, hour, minute);
        var visit = Repair("R1", 0, km: 1_500) with { SafetyDefect = SafetyDefect.BrakeFailure, AgreedAt = agreed, CompletedAt = agreed.AddHours(1) };

        Assert.Equal(entitled, Assess(90, 2_000, visit).ByArticle("Art. 23").Count == 1);
    }

    [Theory]
    [InlineData(0, 0)] // midnight of delivery day
    [InlineData(7, 0)] // 07:00 on delivery day, 23:00 UTC the day before
    public void ARepairOnTheMorningOfDeliveryDay_Counts(int hour, int minute)
    {
        var agreed = Utc(0, hour, minute);
        var visit = Repair("R1", 0, km: 20) with { SafetyDefect = SafetyDefect.FuelLeak, AgreedAt = agreed, CompletedAt = agreed.AddHours(1) };

        var art23 = Assert.Single(Assess(10, 100, visit).ByArticle("Art. 23"));

        Assert.Contains("repair R1 on day 0", art23.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-09-01T05:00:00+08:00", FirstMaintenanceState.Done)] // the last day of the window, early morning
    [InlineData("2025-09-02T01:00:00+08:00", FirstMaintenanceState.Missed)] // the day after: its UTC date is still 1 September
    public void FirstMaintenance_WindowClosesOnTheBeijingDate(string agreedInBeijing, FirstMaintenanceState expected)
    {
        var agreed = DateTimeOffset.Parse(agreedInBeijing, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();
        var visit = Repair("M1", 0, km: 4_000) with { Kind = VisitKind.FirstMaintenance, Warranty = false, AgreedAt = agreed, CompletedAt = agreed.AddHours(1) };

        var assessment = Assess(Vehicle(), D("2025-09-10"), 4_100, visit);

        Assert.Equal(expected, assessment.FirstMaintenance!.State);
    }

    [Theory]
    [InlineData(24 * 60, 1)] // 01:30 to 01:30 the next day (Beijing), recorded in UTC: one Art. 40 day
    [InlineData((24 * 60) + 1, 2)] // one minute more: two
    [InlineData(6 * 60, 1)] // six hours, 01:30 to 07:30 Beijing: one day
    public void Article40_RepairDays_Are24HourPeriods_WhateverTheOffset(int minutes, int days)
    {
        var agreed = Utc(100, 1, 30);
        var visit = Repair("R1", 0) with { AgreedAt = agreed, CompletedAt = agreed.AddMinutes(minutes) };

        Assert.Equal(days, Assess(200, 20_000, visit).Counters.RepairDays);
    }

    [Theory]
    [InlineData(30, 7, true)] // day 10 after the completion, 07:00 Beijing (23:00 UTC on day 29)
    [InlineData(31, 1, false)] // day 11, 01:00 Beijing (17:00 UTC on day 30)
    public void Comebacks_TheGuaranteeDaysCountInBeijingDates(int day, int hour, bool comeback)
    {
        var earlier = Repair("V1", 20) with { FaultCode = "P0300", WorkGrade = WorkGrade.Minor, CompletedAt = Utc(20, 23) };
        var returning = Repair("V2", 0, km: 1_100) with { FaultCode = "P0300", AgreedAt = Utc(day, hour), CompletedAt = null };

        Assert.Equal(comeback, Comebacks.Find([earlier, returning], returning, WarrantyPolicy.Default) is not null);
    }

    [Fact]
    public void TheBusinessOffsetIsPolicy()
    {
        // The same UTC instant, 23:30 UTC on day 7, is day 8 in Beijing but day 7 with a UTC business calendar.
        var visit = EngineMainPart(Day(8, 7, 30).ToUniversalTime());
        var utcCalendar = WarrantyPolicy.Default with { BusinessUtcOffset = TimeSpan.Zero };

        Assert.Empty(Assess(30, 2_000, visit).ByArticle("Art. 22"));
        Assert.Single(WarrantyRules.Assess(Vehicle(), [visit], Date(30), 2_000, EndOf(Date(30)), utcCalendar).ByArticle("Art. 22"));
    }
}
