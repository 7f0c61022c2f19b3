using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Vehicles;

public sealed class VehicleFactsTests
{
    [Theory]
    [InlineData("2025-03-01", null, null, "2025-03-01")] // invoice only
    [InlineData("2025-03-01", "2025-03-01", null, "2025-03-01")] // same day
    [InlineData("2025-03-01", "2025-03-05", null, "2025-03-05")] // Art. 18: delivery where they differ
    [InlineData("2025-03-05", "2025-03-01", null, "2025-03-01")]
    [InlineData(null, "2025-03-05", null, "2025-03-05")]
    [InlineData("2025-03-01", "2025-03-05", "2026-07-10", "2026-07-10")] // Art. 29 restart wins
    [InlineData(null, null, null, null)] // not sold yet
    public void CoverageStart_IsTheInvoiceDate_OrTheDeliveryDateWhereTheyDiffer_OrTheRestart(
        string? invoice, string? delivery, string? restarted, string? expected)
    {
        var vehicle = Vehicle() with
        {
            InvoiceDate = invoice is null ? null : D(invoice),
            DeliveryDate = delivery is null ? null : D(delivery),
            CoverageRestartedOn = restarted is null ? null : D(restarted),
        };

        Assert.Equal(expected is null ? null : D(expected), vehicle.CoverageStart);
    }
}
