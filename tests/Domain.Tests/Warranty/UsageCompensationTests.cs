using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Warranty;

public sealed class UsageCompensationTests
{
    [Theory]
    [InlineData("150000", 3_000, "0.005", "2250.00")]
    [InlineData("100000", 12_345, "0.005", "6172.50")]
    [InlineData("123456.78", 1_234, "0.004", "609.38")] // 609.382666… rounds down
    [InlineData("1", 1_000, "0.005", "0.01")] // 0.005 exactly: midpoint rounds away from zero
    [InlineData("1", 3_000, "0.005", "0.02")] // 0.015 → 0.02
    [InlineData("150000", 0, "0.005", "0")]
    [InlineData("0", 10_000, "0.005", "0")]
    [InlineData("200000", 50_000, "0.001", "10000.00")]
    public void Compute_IsPriceTimesKmOver1000TimesRate_RoundedTo2Decimals(string price, int km, string rate, string expected) =>
        Assert.Equal(M(expected), UsageCompensation.Compute(M(price), km, M(rate)));

    [Theory]
    [InlineData("0")]
    [InlineData("-0.001")]
    [InlineData("0.0051")]
    [InlineData("0.01")]
    public void Compute_RejectsARateOutside0To0Point5Percent(string rate)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => UsageCompensation.Compute(100_000m, 1_000, M(rate)));
        Assert.Equal("rate", ex.ParamName);
    }

    [Fact]
    public void Compute_AcceptsTheHighestRate() =>
        Assert.Equal(500m, UsageCompensation.Compute(100_000m, 1_000, 0.005m));

    [Theory]
    [InlineData("-1", 1_000, "price")]
    [InlineData("100000", -1, "kmDriven")]
    public void Compute_RejectsNegativeInputs(string price, int km, string param)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => UsageCompensation.Compute(M(price), km, 0.005m));
        Assert.Equal(param, ex.ParamName);
    }
}
