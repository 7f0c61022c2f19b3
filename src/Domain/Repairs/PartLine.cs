namespace AfterSales.Domain.Repairs;

/// <summary>A part used on a visit.</summary>
public sealed record PartLine(string PartNo, int Quantity);
