namespace AfterSales.Grains.Common;

/// <summary>Names of the storage providers grains persist to; the silo registers them.</summary>
public static class GrainStorage
{
    /// <summary>PostgreSQL grain storage (table grain_state).</summary>
    public const string Name = "postgres";
}
