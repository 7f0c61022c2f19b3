using AfterSales.Interfaces.Privacy;

namespace AfterSales.Grains.Tests;

/// <summary>The text a read travels in from the API to the vehicle grain that records it with its write.</summary>
public sealed class PersonalDataReadsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 15, 30, 123, TimeSpan.FromHours(8));

    [Fact]
    public void AComposedEntry_ParsesBackForTheGrainItIsAddressedTo_AsTheSameRead()
    {
        var entry = PersonalDataReads.Compose("vehicle/LSVAU2180N2183294", At, "operator:li", "POST /api/vehicles/LSVAU2180N2183294/odometer")!;

        var read = PersonalDataReads.Parse(entry, "vehicle/LSVAU2180N2183294", PersonalDataSubject.Vehicle, "LSVAU2180N2183294");

        Assert.Equal(new PersonalDataRead(At, "operator:li", PersonalDataSubject.Vehicle, "LSVAU2180N2183294", "POST /api/vehicles/LSVAU2180N2183294/odometer"), read);
        Assert.Equal(TimeSpan.Zero, read!.At.Offset);
    }

    [Theory]
    [InlineData("vehicle/OTHER")] // another grain's
    [InlineData("vehicle/LSVAU2180N218329")] // a prefix of it
    public void AnEntryAddressedToAnotherGrain_IsNotThisGrains(string grainId)
    {
        var entry = PersonalDataReads.Compose("vehicle/LSVAU2180N2183294", At, "operator:li", "POST /x")!;

        Assert.Null(PersonalDataReads.Parse(entry, grainId, PersonalDataSubject.Vehicle, "x"));
    }

    [Theory]
    [InlineData("operator:li\nx", "POST /x")]
    [InlineData("operator:li", "POST /x\n")]
    public void AFieldWithALineBreak_IsNotHandedOver(string actor, string route) =>
        Assert.Null(PersonalDataReads.Compose("vehicle/V", At, actor, route));

    [Theory]
    [InlineData("vehicle/V\n-5\na\nb")]
    [InlineData("vehicle/V\n99999999999999999999\na\nb")]
    [InlineData("vehicle/V\n1\na")]
    [InlineData("vehicle/V\n1\na\nb\nc")]
    public void AMalformedEntry_IsIgnored(string entry) =>
        Assert.Null(PersonalDataReads.Parse(entry, "vehicle/V", PersonalDataSubject.Vehicle, "V"));
}
