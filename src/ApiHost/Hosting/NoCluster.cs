namespace AfterSales.ApiHost.Hosting;

/// <summary>The cluster client of the <c>openapi</c> command, which maps the API to describe it and never calls a grain.</summary>
public class NoCluster : System.Reflection.DispatchProxy
{
    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
        throw new InvalidOperationException($"The openapi command has no cluster ({targetMethod?.Name} was called).");
}
