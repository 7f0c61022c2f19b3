namespace AfterSales.Domain.Vehicles;

/// <summary>What the warranty rules need to know about a vehicle (the grain's state maps onto this).</summary>
public sealed record VehicleFacts
{
    /// <summary>The VIN (validated by <see cref="Vehicles.Vin"/> before it gets here).</summary>
    public required string Vin { get; init; }

    /// <summary>Model code; component coverages may be limited to some models.</summary>
    public required string Model { get; init; }

    /// <summary>Production batch (批次).</summary>
    public required string Batch { get; init; }

    /// <summary>Production date.</summary>
    public required DateOnly ProductionDate { get; init; }

    /// <summary>Powertrain kind; component coverages may be limited to some powertrains.</summary>
    public required Powertrain Powertrain { get; init; }

    /// <summary>Sale price; the basis of the Art. 27 refund usage compensation.</summary>
    public required decimal Price { get; init; }

    /// <summary>Invoice date; null before the sale.</summary>
    public DateOnly? InvoiceDate { get; init; }

    /// <summary>Delivery date (交付); null before delivery.</summary>
    public DateOnly? DeliveryDate { get; init; }

    /// <summary>
    /// Art. 29: a replacement vehicle restarts both the 包修期 and the 三包有效期 from this date,
    /// mileage limits counting from the odometer reading on that date.
    /// </summary>
    public DateOnly? CoverageRestartedOn { get; init; }

    /// <summary>Odometer readings, in any order; the odometer never decreases.</summary>
    public IReadOnlyList<OdometerReading> OdometerReadings { get; init; } = [];

    /// <summary>
    /// The day the warranty clocks start (day 0): the restart date of Art. 29 if there is one, else,
    /// per Art. 18, the invoice date, or the delivery date where it differs from the invoice date.
    /// Null while the vehicle has neither date (not yet sold).
    /// </summary>
    public DateOnly? CoverageStart =>
        CoverageRestartedOn
        ?? (DeliveryDate is { } delivered && delivered != InvoiceDate ? delivered : InvoiceDate);
}
