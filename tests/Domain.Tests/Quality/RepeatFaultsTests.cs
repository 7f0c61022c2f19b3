using AfterSales.Domain.Quality;

namespace AfterSales.Domain.Tests.Quality;

public sealed class RepeatFaultsTests
{
    private static readonly DateOnly Day0 = new(2026, 3, 1);

    [Theory]
    [InlineData(89, true)] // the first repair is on the window's first day (90 days, both ends counted)
    [InlineData(90, false)] // one day earlier: outside
    public void Window_CountsBothEnds(int daysBetweenFirstAndLast, bool signalled)
    {
        var occurrences = new[]
        {
            new FaultOccurrence("v1", "VIN1", "BRK-101", Day0),
            new FaultOccurrence("v2", "VIN2", "BRK-101", Day0.AddDays(daysBetweenFirstAndLast / 2)),
            new FaultOccurrence("v3", "VIN3", "BRK-101", Day0.AddDays(daysBetweenFirstAndLast)),
        };

        var signal = RepeatFaults.SignalFor(occurrences, "BRK-101", windowDays: 90, minimumVehicles: 3);

        Assert.Equal(signalled, signal is not null);
        if (signal is not null)
        {
            Assert.Equal(3, signal.Vehicles);
            Assert.Equal(Day0, signal.From);
        }
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void Threshold_CountsDistinctVehicles_NotRepairs(int vehicles, bool signalled)
    {
        var occurrences = Enumerable.Range(0, vehicles)
            .SelectMany(v => new[] { new FaultOccurrence($"a{v}", $"VIN{v}", "EL-7", Day0), new FaultOccurrence($"b{v}", $"VIN{v}", "EL-7", Day0.AddDays(1)) })
            .Append(new FaultOccurrence("other", "VIN9", "BRK-101", Day0))
            .ToList();

        Assert.Equal(signalled, RepeatFaults.SignalFor(occurrences, "EL-7", 90, 3) is not null);
        Assert.Null(RepeatFaults.SignalFor(occurrences, "BRK-101", 90, 3));
    }

    [Theory]
    [InlineData(30, 3)] // up to March 31: the three March repairs
    [InlineData(31, 4)] // up to April 1: the April repair too
    public void UpTo_LeavesOutLaterRepairs(int daysAfterDay0, int vehicles)
    {
        var occurrences = new[]
        {
            new FaultOccurrence("v1", "VIN1", "F", Day0),
            new FaultOccurrence("v2", "VIN2", "F", Day0.AddDays(10)),
            new FaultOccurrence("v3", "VIN3", "F", Day0.AddDays(30)),
            new FaultOccurrence("v4", "VIN4", "F", Day0.AddDays(31)),
        };

        var signal = RepeatFaults.SignalFor(occurrences, "F", 90, 3, upTo: Day0.AddDays(daysAfterDay0));

        Assert.Equal(vehicles, signal!.Vehicles);
        Assert.Equal(Day0.AddDays(daysAfterDay0), signal.To);
    }

    [Theory]
    [InlineData(89, true)]
    [InlineData(90, false)]
    public void StillRelevant_KeepsWhatTheWindowCanReach(int daysOld, bool kept) =>
        Assert.Equal(kept, RepeatFaults.StillRelevant(new FaultOccurrence("v", "VIN", "F", Day0), Day0.AddDays(daysOld), 90));
}
