using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Privacy;

namespace AfterSales.Grains.Tests;

/// <summary>The text a read travels in from the API to the vehicle grain that records it with its write.</summary>
public sealed class PersonalDataReadsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 15, 30, 123, TimeSpan.FromHours(8));

    [Fact]
    public void AComposedRead_ParsesBack_AsTheSameRead()
    {
        var value = PersonalDataReads.Compose(At, "operator:li", "POST /api/vehicles/LSVAU2180N2183294/odometer")!;

        var read = PersonalDataReads.Parse(value, PersonalDataSubject.Vehicle, "LSVAU2180N2183294");

        Assert.Equal(new PersonalDataRead(At, "operator:li", PersonalDataSubject.Vehicle, "LSVAU2180N2183294", "POST /api/vehicles/LSVAU2180N2183294/odometer"), read);
        Assert.Equal(TimeSpan.Zero, read!.At.Offset);
    }

    [Theory]
    [InlineData("operator:li\nx", "POST /x")]
    [InlineData("operator:li", "POST /x\n")]
    public void AFieldWithALineBreak_IsNotHandedOver(string actor, string route) =>
        Assert.Null(PersonalDataReads.Compose(At, actor, route));

    [Theory]
    [InlineData("-5\na\nb")]
    [InlineData("99999999999999999999\na\nb")]
    [InlineData("1\na")]
    [InlineData("1\na\nb\nc")]
    public void AMalformedValue_IsIgnored(string value) =>
        Assert.Null(PersonalDataReads.Parse(value, PersonalDataSubject.Vehicle, "V"));

    [Theory]
    [InlineData("OTHER")] // another grain's
    [InlineData("LSVAU2180N218329")] // a prefix of its key
    public void AnEntryAddressedToAnotherGrain_IsNotTaken_AndStaysForTheGrainItIsFor(string otherKey)
    {
        var addressee = GrainId.Create("vehicle", "LSVAU2180N2183294");
        try
        {
            AddressedCallContext.Set(PersonalDataReads.RecordWithWriteKey, addressee, "value");

            Assert.Null(AddressedCallContext.Take(PersonalDataReads.RecordWithWriteKey, GrainId.Create("vehicle", otherKey)));
            Assert.Equal("value", AddressedCallContext.Take(PersonalDataReads.RecordWithWriteKey, addressee));
            Assert.Null(RequestContext.Get(PersonalDataReads.RecordWithWriteKey));
        }
        finally
        {
            RequestContext.Remove(PersonalDataReads.RecordWithWriteKey);
        }
    }
}
