using AfterSales.Domain.Parts;

namespace AfterSales.Domain.Tests.Parts;

/// <summary>Receipt inspection at the station (seed 001 §5.4.3: counted and inspected on arrival; only what passes is stock).</summary>
public sealed class ReceiptInspectionTests
{
    private static readonly ShippedLine[] Shipped = [new("P-1", 4), new("P-2", 1)];

    [Theory]
    // accepted, rejected, reason → the field named (null: valid)
    [InlineData(4, 0, null, null)] // all accepted
    [InlineData(0, 4, "damaged", null)] // all rejected
    [InlineData(3, 1, "damaged", null)] // split, exactly the shipped 4
    [InlineData(3, 0, null, "lines[0]")] // one short of what shipped
    [InlineData(4, 1, "extra", "lines[0]")] // one more than shipped
    [InlineData(5, 0, null, "lines[0]")]
    [InlineData(-1, 5, "x", "lines[0].accepted")]
    [InlineData(5, -1, null, "lines[0].rejected")]
    [InlineData(3, 1, null, "lines[0].reason")] // a rejection says why
    [InlineData(3, 1, "  ", "lines[0].reason")]
    public void AcceptedAndRejected_AddUpToWhatShipped(int accepted, int rejected, string? reason, string? field)
    {
        var errors = ReceiptInspection.Check(Shipped, [new InspectedLine("P-1", accepted, rejected, reason), new InspectedLine("P-2", 1, 0, null)]);

        if (field is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Contains(field, errors.Keys);
        }
    }

    [Fact]
    public void EveryShippedPart_IsInspectedExactlyOnce()
    {
        var missing = ReceiptInspection.Check(Shipped, [new InspectedLine("P-1", 4, 0, null)]);
        Assert.Equal(["lines"], missing.Keys);
        Assert.Contains("P-2", missing["lines"][0]);

        var twice = ReceiptInspection.Check(Shipped, [new InspectedLine("P-1", 4, 0, null), new InspectedLine("P-2", 1, 0, null), new InspectedLine("P-1", 0, 0, null)]);
        Assert.Equal(["lines[2].partNo"], twice.Keys);

        var foreign = ReceiptInspection.Check(Shipped, [new InspectedLine("P-1", 4, 0, null), new InspectedLine("P-9", 1, 0, null)]);
        Assert.Equal(["lines", "lines[1].partNo"], foreign.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void APartOnTwoLinesOfTheNotice_IsInspectedAsTheirSum()
    {
        ShippedLine[] shipped = [new("P-1", 2), new("P-1", 3)];
        Assert.Empty(ReceiptInspection.Check(shipped, [new InspectedLine("P-1", 4, 1, "bent")]));
        Assert.Contains("lines[0]", ReceiptInspection.Check(shipped, [new InspectedLine("P-1", 3, 0, null)]).Keys);
    }
}
