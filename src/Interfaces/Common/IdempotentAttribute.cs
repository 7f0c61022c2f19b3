namespace AfterSales.Interfaces.Common;

/// <summary>
/// Calling the method again with the same arguments changes nothing more than the first call did: a read, or a
/// versioned report the recipient counts once. A caller may send it again when it cannot tell whether the first call
/// ran (its silo was lost mid-call); the cluster's call filter does (<c>RejectedCallRetry</c>). A command is safe to
/// repeat only with its Idempotency-Key, which the filter checks by itself.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class IdempotentAttribute : Attribute;
