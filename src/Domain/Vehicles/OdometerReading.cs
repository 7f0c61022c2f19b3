namespace AfterSales.Domain.Vehicles;

/// <summary>
/// An odometer reading in km, taken at an instant; its calendar date is the instant's own local date. A value type:
/// every warranty read hands the vehicle's readings to the rules, and as objects they were garbage of each request.
/// </summary>
public readonly record struct OdometerReading(DateTimeOffset ReadAt, int Km);
