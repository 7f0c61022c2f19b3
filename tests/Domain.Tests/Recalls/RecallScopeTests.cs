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
        Assert.Equal(covered, scope!.Covers(vin, model, batch, new DateOnly(2026, 1, 1)));
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

    // 召回条例 Art. 3: the defect is common to vehicles of a batch, model or category — a criterion is the intersection
    // of the model, batch and production-date range it gives (dates inclusive); the scope is the union of its criteria.
    [Theory]
    [InlineData("ID.4", "B7", "2026-02-28", false)] // the day before producedFrom
    [InlineData("ID.4", "B7", "2026-03-01", true)] // producedFrom
    [InlineData("ID.4", "B7", "2026-03-31", true)] // producedTo
    [InlineData("ID.4", "B7", "2026-04-01", false)] // the day after producedTo
    [InlineData("ID.4", "B8", "2026-03-15", false)] // model and date match, batch does not: out
    [InlineData("ID.3", "B7", "2026-03-15", false)] // batch and date match, model does not: out
    [InlineData("Q5", "B-other", "2025-01-01", true)] // a second criterion (model only), whatever the date
    public void Covers_TheIntersectionOfEachCriterion_AndTheUnionOfCriteria(string model, string batch, string produced, bool covered)
    {
        var (scope, errors) = RecallScope.Parse([], [], [],
        [
            new ScopeCriterionInput("ID.4", "B7", new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31)),
            new ScopeCriterionInput("Q5", null, null, null),
        ]);
        Assert.Empty(errors);
        Assert.Equal(covered, scope!.Covers(OtherVin, model, batch, DateOnly.Parse(produced, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(null, "2026-03-31", "2026-01-01", true)] // open start
    [InlineData(null, "2026-03-31", "2026-04-01", false)]
    [InlineData("2026-03-01", null, "2030-12-31", true)] // open end
    [InlineData("2026-03-01", null, "2026-02-28", false)]
    [InlineData("2026-03-01", "2026-03-01", "2026-03-01", true)] // a one-day range
    public void Covers_AnOpenEndedRange_IsUnboundedOnThatSide(string? from, string? to, string produced, bool covered)
    {
        static DateOnly? D(string? s) => s is null ? null : DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var (scope, errors) = RecallScope.Parse([], [], [], [new ScopeCriterionInput(null, "B7", D(from), D(to))]);
        Assert.Empty(errors);
        Assert.Equal(covered, scope!.Covers(OtherVin, "any", "B7", D(produced)!.Value));
    }

    [Fact]
    public void Parse_RefusesACriterionWithoutModelOrBatch_AnInvertedRange_AndBlankNames()
    {
        Assert.Contains("criteria[0]", RecallScope.Parse([], [], [], [new ScopeCriterionInput(null, null, new DateOnly(2026, 1, 1), null)]).Errors.Keys);
        Assert.Contains("criteria[1].producedTo", RecallScope.Parse([], [], [],
            [new ScopeCriterionInput("M", null, null, null), new ScopeCriterionInput("M", null, new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 1))]).Errors.Keys);
        Assert.Contains("criteria[0].model", RecallScope.Parse([], [], [], [new ScopeCriterionInput(" ", "B7", null, null)]).Errors.Keys);
        Assert.Contains("criteria[0]", RecallScope.Parse([], [], [], [null]).Errors.Keys);
        var (scope, errors) = RecallScope.Parse([], [], [], [new ScopeCriterionInput("M", "B", null, null), new ScopeCriterionInput(" M ", "B", null, null)]);
        Assert.Empty(errors);
        Assert.Single(scope!.Criteria);
    }

    [Fact]
    public void ByModel_IsTheCriteriaThatReachABatchThroughItsModel()
    {
        var (scope, _) = RecallScope.Parse(["Q5"], ["B1"], [],
            [new ScopeCriterionInput("Q5", null, new DateOnly(2026, 1, 1), null), new ScopeCriterionInput("Q5", "B2", null, null)]);
        Assert.Equal(2, scope!.ByModel("Q5").Count());
        Assert.Empty(scope.ByModel("ID.4"));
    }
}
