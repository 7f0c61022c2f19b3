namespace AfterSales.Interfaces.Common;

/// <summary>
/// A grain could not make its change durable (the database did not answer). Nothing was applied; the caller
/// may retry. The HTTP host answers 503 with Retry-After.
/// </summary>
[GenerateSerializer, Alias("AfterSales.ServiceUnavailableException")]
public sealed class ServiceUnavailableException : Exception
{
    public ServiceUnavailableException()
    {
    }

    public ServiceUnavailableException(string message)
        : base(message)
    {
    }

    public ServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
