using AfterSales.Domain.Recalls;

namespace AfterSales.Domain.Tests.Recalls;

public sealed class RecallScopeTests
{
    private const string ListedVin = "LSVAU218XN2183294";
    private const string OtherVin = "1M8GDM9AXKP042788";

    [Theory]
    [InlineData(ListedVin, "Other", "B-other", true)] // listed VIN, whatever its model and batch
    [InlineData(OtherVin, "ID.4", "B-other", true)] // listed model
    [InlineData(OtherVin, "Other", "B2026-01", true)] // listed batch
    [InlineData(OtherVin, "id.4", "b2026-01", false)] // names compare exactly
    [InlineData(OtherVin, "Other", "B-other", false)]
    public void Covers_AVehicle_ByVinModelOrBatch(string vin, string model, string batch, bool covered)
    {
        var (scope, errors) = RecallScope.Parse(["ID.4"], ["B2026-01"], [ListedVin]);
        Assert.Empty(errors);
        Assert.Equal(covered, scope!.Covers(vin, model, batch));
    }

    [Fact]
    public void Parse_TrimsAndDeduplicates_AndUppercasesVins()
    {
        var (scope, errors) = RecallScope.Parse([" ID.4 ", "ID.4"], [], [ListedVin.ToLowerInvariant(), ListedVin]);
        Assert.Empty(errors);
        Assert.Equal(["ID.4"], scope!.Models);
        Assert.Equal([ListedVin], scope.Vins);
    }

    [Theory]
    [InlineData("vins[1]", new[] { ListedVin, "LSVAU218XN2183295" })] // wrong check digit
    [InlineData("vins[0]", new[] { "TOO-SHORT" })]
    public void Parse_NamesEachBadVin(string field, string[] vins)
    {
        var (scope, errors) = RecallScope.Parse([], [], vins);
        Assert.Null(scope);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void Parse_RefusesACampaignThatCoversNothing_AndBlankNames()
    {
        Assert.Contains("models", RecallScope.Parse([], [], []).Errors.Keys);
        Assert.Contains("batches[0]", RecallScope.Parse([], [" "], []).Errors.Keys);
        Assert.Contains("models[1]", RecallScope.Parse(["ok", new string('m', 65)], [], []).Errors.Keys);
    }
}
