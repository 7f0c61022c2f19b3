using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>How long an idle grain stays in memory: a setting of the silo (Cluster:IdleActivationAge), validated.</summary>
public sealed class IdleActivationAgeTests
{
    [Fact]
    public void TheDefault_KeepsIdleGrainsTwoHours()
    {
        Assert.Equal(TimeSpan.FromHours(2), new ClusterSettings().IdleActivationAge);
    }

    [Theory]
    [InlineData("00:01:59", true)]
    [InlineData("00:02:00", false)]
    [InlineData("-00:05:00", true)]
    public void AnAgeUnderTwoMinutes_IsRefused_NamingTheSetting(string age, bool refused)
    {
        var settings = new ClusterSettings { ConnectionString = "Host=127.0.0.1", IdleActivationAge = TimeSpan.Parse(age, System.Globalization.CultureInfo.InvariantCulture) };

        var problems = settings.Validate();

        Assert.Equal(refused, problems.Any(p => p.Contains("Cluster:IdleActivationAge must be at least 00:02:00", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ASilo_CollectsIdleGrainsAtTheConfiguredAge()
    {
        var connectionString = await TestDatabase.CreateAsync("idleage");
        await using var silo = await SiloHost.StartAsync(connectionString, "idleage", extraSettings: new Dictionary<string, string?> { ["Cluster:IdleActivationAge"] = "00:45:00" });

        Assert.Equal(TimeSpan.FromMinutes(45), silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.CollectionAge);

        // Issue 19: silo names are unique across hosts using the same port (every pod and container uses 11111).
        var name = silo.Services.GetRequiredService<IOptions<Orleans.Configuration.SiloOptions>>().Value.SiloName;
        Assert.Equal($"default-{Environment.MachineName}-{silo.SiloPort}", name);
    }
}
