namespace AfterSales.Domain.Vehicles;

/// <summary>An odometer reading in km, taken at an instant; its calendar date is the instant's own local date.</summary>
public sealed record OdometerReading(DateTimeOffset ReadAt, int Km);
