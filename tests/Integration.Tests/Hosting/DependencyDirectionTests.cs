using System.Reflection;
using System.Xml.Linq;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Hosting;

/// <summary>
/// The endpoints know only the grain contracts, wherever they run (in a silo or in the separate API host): neither the
/// project files nor the compiled assemblies of <c>src/Api</c> and <c>src/ApiHost</c> reach Grains, Domain or Silo.
/// </summary>
public sealed class DependencyDirectionTests
{
    [Theory]
    [InlineData("src/Api/Api.csproj", new[] { "Interfaces" })]
    [InlineData("src/ApiHost/ApiHost.csproj", new[] { "Interfaces", "Api" })]
    [InlineData("src/Interfaces/Interfaces.csproj", new string[0])]
    public void ProjectReferencesPointOnlyTowardsTheContracts(string project, string[] allowed)
    {
        var references = XDocument.Load(Path.Combine(Repository.Root, project))
            .Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

        Assert.Equal(allowed.Order(), references.Order());
    }

    [Theory]
    [InlineData(typeof(AfterSales.Api.Hosting.ApiComposition), new[] { "AfterSales.Actors.Interfaces" })]
    [InlineData(typeof(Program), new[] { "AfterSales.Actors.Interfaces", "AfterSales.Actors.Api" })]
    [InlineData(typeof(AfterSales.Client.AfterSalesApi), new string[0])] // the typed client: generated from the document, it knows no project of ours
    public void CompiledEndpointsReferenceOnlyTheContracts(Type typeInAssembly, string[] allowed)
    {
        var ours = typeInAssembly.Assembly.GetReferencedAssemblies()
            .Select(name => name.Name!)
            .Where(name => name.StartsWith("AfterSales.", StringComparison.Ordinal))
            .ToList();

        Assert.All(ours, name => Assert.Contains(name, allowed));
        Assert.DoesNotContain(ours, name => name is "AfterSales.Actors.Grains" or "AfterSales.Actors.Domain" or "AfterSales.Actors.Silo");
    }

    [Fact]
    public void TheSiloServesTheSameEndpointCodeAsTheApiHost()
    {
        // One endpoint assembly, referenced by both hosts: no second copy of a route exists to drift.
        var silo = Assembly.LoadFrom(Repository.SiloDll).GetReferencedAssemblies().Select(name => name.Name).ToList();
        Assert.Contains("AfterSales.Actors.Api", silo);
        Assert.Contains("AfterSales.Actors.Api", typeof(Program).Assembly.GetReferencedAssemblies().Select(name => name.Name));
    }
}
