using AfterSales.Grains.Recalls;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AfterSales.Integration.Tests.Recalls;

/// <summary>The recall policy (Policies:Recalls) as the silo binds and validates it at start-up.</summary>
public sealed class RecallOptionsTests
{
    [Fact]
    public void WithNothingConfigured_ACampaignSettlesTenMinutesAt100Percent() =>
        Assert.Equal(TimeSpan.FromMinutes(10), Resolve(null).CloseWhenCompleteAfter);

    [Theory]
    [InlineData("00:00:00", true)] // closes at once
    [InlineData("00:03:00", true)]
    [InlineData("30.00:00:00", true)]
    [InlineData("30.00:00:01", false)]
    [InlineData("-00:00:01", false)]
    public void TheSettlingTime_IsAcceptedFromZeroToThirtyDays_OrRefusedNamingTheSetting(string setting, bool accepted)
    {
        if (accepted)
        {
            Assert.Equal(TimeSpan.Parse(setting, System.Globalization.CultureInfo.InvariantCulture), Resolve(setting).CloseWhenCompleteAfter);
        }
        else
        {
            var refused = Assert.Throws<OptionsValidationException>(() => Resolve(setting));
            Assert.Contains("Policies:Recalls: CloseWhenCompleteAfter must be between 0 and 30 days", refused.Message, StringComparison.Ordinal);
        }
    }

    private static RecallOptions Resolve(string? closeWhenCompleteAfter)
    {
        var settings = new Dictionary<string, string?>();
        if (closeWhenCompleteAfter is not null)
        {
            settings["Policies:Recalls:CloseWhenCompleteAfter"] = closeWhenCompleteAfter;
        }

        using var services = new ServiceCollection()
            .AddAfterSalesPolicies(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<RecallOptions>>().Value;
    }
}
