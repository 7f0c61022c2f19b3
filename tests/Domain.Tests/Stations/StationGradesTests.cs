using AfterSales.Domain.Stations;

namespace AfterSales.Domain.Tests.Stations;

public sealed class StationGradesTests
{
    private static readonly GradePolicy Policy = new();

    private static StationMonthInputs Perfect => new(20, 0, 0, 0, 25, 5, 5);

    [Fact]
    public void APerfectMonth_ScoresOne_AndIsA()
    {
        var grade = StationGrades.Grade(Perfect, Policy);
        Assert.Equal(1, grade.Score);
        Assert.Equal("A", grade.Grade);
    }

    [Theory]
    [InlineData(19, 0.95)] // one short of the volume target loses 1/20 of the volume score
    [InlineData(20, 1.0)]
    [InlineData(40, 1.0)]
    public void Volume_IsScoredAgainstTheTarget(long completed, double expectedVolumeScore) =>
        Assert.Equal(expectedVolumeScore, StationGrades.Grade(Perfect with { CompletedWorkOrders = completed }, Policy).Volume);

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(1, 0.5)] // 1 comeback in 20 = 5 %, half the 10 % limit
    [InlineData(2, 0.0)] // 10 %: the limit
    [InlineData(5, 0.0)] // beyond it, never negative
    public void Comebacks_AreARate_CappedAtZero(long comebacks, double expected) =>
        Assert.Equal(expected, StationGrades.Grade(Perfect with { Comebacks = comebacks }, Policy).Comebacks);

    [Theory]
    [InlineData(2, 1, 0.5)]
    [InlineData(2, 0, 1.0)]
    [InlineData(0, 0, 1.0)] // no complaints: nothing to breach
    public void SlaScore_IsTheShareOfComplaintsWithoutABreach(long complaints, long breaches, double expected) =>
        Assert.Equal(expected, StationGrades.Grade(Perfect with { Complaints = complaints, SlaBreaches = breaches }, Policy).Sla);

    [Theory]
    [InlineData(5, 1, 1.0)]
    [InlineData(1, 1, 0.0)]
    [InlineData(3, 1, 0.5)]
    [InlineData(0, 0, 1.0)] // no callbacks yet
    public void Satisfaction_MapsOneToFiveOntoZeroToOne(long sum, long count, double expected) =>
        Assert.Equal(expected, StationGrades.Grade(Perfect with { SatisfactionSum = sum, SatisfactionCount = count }, Policy).Satisfaction);

    [Theory]
    [InlineData(0.85, "A")]
    [InlineData(0.8499, "B")]
    [InlineData(0.70, "B")]
    [InlineData(0.6999, "C")]
    [InlineData(0.50, "C")]
    [InlineData(0.4999, "D")]
    public void Thresholds_AreInclusive(double score, string expected)
    {
        // A full volume score weighted `score` and a zero recall score weighted the rest: the total is exactly `score`.
        var policy = Policy with
        {
            VolumeWeight = score, ComebackWeight = 0, ComplaintWeight = 0, SlaWeight = 0, SatisfactionWeight = 0, RecallWeight = 1 - score,
            SurveyScoreWeight = 0, SurveyResponseWeight = 0,
        };
        var month = Perfect with { RecallsCompleted = 0 };
        Assert.Equal(expected, StationGrades.Grade(month, policy).Grade);
    }

    // Seed 000 §5.6 / §5.4.5: the satisfaction surveys after completed work orders feed the grade — their mean score
    // (1–5 onto 0–1) and the response rate (answered ÷ due) against the target (80 %).
    [Theory]
    [InlineData(0, 0, 0, 1.0, 1.0)] // no survey due: nothing to measure
    [InlineData(10, 0, 0, 1.0, 0.0)] // ten due, none answered: no score to take, no response
    [InlineData(10, 8, 40, 1.0, 1.0)] // 80 %: the target, all 5s
    [InlineData(10, 7, 7, 0.0, 0.875)] // 70 % of the 80 % target; all 1s
    [InlineData(10, 10, 30, 0.5, 1.0)] // beyond the target it stays 1; mean 3 → 0.5
    [InlineData(4, 1, 4, 0.75, 0.3125)] // 25 % ÷ 80 %; mean 4 → 0.75
    public void Surveys_ScoreTheMeanAndTheResponseRate(long due, long answered, long sum, double expectedScore, double expectedResponse)
    {
        var grade = StationGrades.Grade(Perfect with { SurveysDue = due, SurveysAnswered = answered, SurveyScoreSum = sum }, Policy);
        Assert.Equal(expectedScore, grade.SurveyScore);
        Assert.Equal(expectedResponse, grade.SurveyResponse);
    }

    [Fact]
    public void Surveys_WeighInTheTotal_ByTheirPolicyWeights()
    {
        // Everything else perfect; surveys all answered with 1 (score 0) at full response: the total loses the score weight.
        var grade = StationGrades.Grade(Perfect with { SurveysDue = 5, SurveysAnswered = 5, SurveyScoreSum = 5 }, Policy);
        Assert.Equal(1 - Policy.SurveyScoreWeight, grade.Score, 6);

        // Nobody answered: the total loses the response weight.
        Assert.Equal(1 - Policy.SurveyResponseWeight, StationGrades.Grade(Perfect with { SurveysDue = 5 }, Policy).Score, 6);
    }

    [Fact]
    public void Validate_NamesWeightsThatDoNotSumToOne_AndDisorderedThresholds()
    {
        Assert.Empty(Policy.Validate());
        Assert.Contains((Policy with { VolumeWeight = 0.5 }).Validate(), p => p.Contains("sum to 1", StringComparison.Ordinal));
        Assert.Contains((Policy with { GradeB = 0.9 }).Validate(), p => p.Contains("GradeA > GradeB", StringComparison.Ordinal));
        Assert.Contains((Policy with { SurveyScoreWeight = 0.3 }).Validate(), p => p.Contains("sum to 1", StringComparison.Ordinal));
        Assert.Contains((Policy with { SuspendAfterConsecutiveD = 13 }).Validate(), p => p.Contains("SuspendAfterConsecutiveD", StringComparison.Ordinal));
        var withoutD = new Dictionary<string, GradeConsequencePolicy>(Policy.Consequences);
        withoutD.Remove("D");
        Assert.Contains((Policy with { Consequences = withoutD }).Validate(), p => p.Contains("Consequences:D", StringComparison.Ordinal));
    }
}
