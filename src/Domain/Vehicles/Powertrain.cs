namespace AfterSales.Domain.Vehicles;

/// <summary>The kind of powertrain; decides which component coverages apply.</summary>
public enum Powertrain
{
    /// <summary>Internal-combustion engine only.</summary>
    Ice,

    /// <summary>Hybrid: engine and traction battery.</summary>
    Hev,

    /// <summary>Battery-electric: traction battery and drive motor.</summary>
    Bev,
}
