namespace AfterSales.Domain.Stations;

/// <summary>A station's month as the grade sees it (all counts within the month).</summary>
public sealed record StationMonthInputs(
    long CompletedWorkOrders,
    long Comebacks,
    long Complaints,
    long SlaBreaches,
    long SatisfactionSum,
    long SatisfactionCount,
    long RecallsCompleted,
    long SurveysDue = 0,
    long SurveysAnswered = 0,
    long SurveyScoreSum = 0)
{
    /// <summary>Service requests dispatched to the station: not complaints against it, but their clocks are its to meet.</summary>
    public long ServiceRequests { get; init; }
}

/// <summary>The weights and targets of the monthly grade (configuration <c>Policies:Grades</c>).</summary>
public sealed record GradePolicy
{
    public double VolumeWeight { get; set; } = 0.15;
    public double ComebackWeight { get; set; } = 0.20;
    public double ComplaintWeight { get; set; } = 0.15;
    public double SlaWeight { get; set; } = 0.15;
    public double SatisfactionWeight { get; set; } = 0.10;
    public double RecallWeight { get; set; } = 0.05;

    /// <summary>Weight of the mean score (1–5) of the satisfaction surveys answered (seed 000 §5.6, §5.4.5).</summary>
    public double SurveyScoreWeight { get; set; } = 0.15;

    /// <summary>Weight of the survey response rate (answered ÷ due).</summary>
    public double SurveyResponseWeight { get; set; } = 0.05;

    /// <summary>The survey response rate (answered ÷ due) that earns the whole response score.</summary>
    public double SurveyResponseTarget { get; set; } = 0.80;

    /// <summary>
    /// What each grade earns when a month's sheet is frozen (seed 000 §5.4.5: 根据综合考评结果…采取相应的奖罚措施; the
    /// seed gives no amounts, so these are policy defaults): A a reward of 2,000 CNY, B nothing, C a 1,000 CNY penalty,
    /// D a 3,000 CNY penalty.
    /// </summary>
    public Dictionary<string, GradeConsequencePolicy> Consequences { get; set; } = new(StringComparer.Ordinal)
    {
        ["A"] = new() { Kind = GradeConsequenceKind.Reward, AmountCny = 2000, Label = "reward: grade A" },
        ["B"] = new() { Kind = GradeConsequenceKind.None, AmountCny = 0, Label = "no reward or penalty" },
        ["C"] = new() { Kind = GradeConsequenceKind.Penalty, AmountCny = 1000, Label = "penalty: grade C" },
        ["D"] = new() { Kind = GradeConsequenceKind.Penalty, AmountCny = 3000, Label = "penalty: grade D" },
    };

    /// <summary>
    /// A station graded D in this many consecutive frozen months is suspended (the seeds name no number; the default
    /// is 2). 0 turns the rule off.
    /// </summary>
    public int SuspendAfterConsecutiveD { get; set; } = 2;

    /// <summary>Completed work orders in a month that earn the whole volume score.</summary>
    public int VolumeTarget { get; set; } = 20;

    /// <summary>Comebacks per completed work order at which the comeback score reaches zero.</summary>
    public double ComebackRateLimit { get; set; } = 0.10;

    /// <summary>Complaints per 100 completed work orders at which the complaint score reaches zero.</summary>
    public double ComplaintsPer100Limit { get; set; } = 10;

    /// <summary>Recall completions in a month that earn the whole recall score.</summary>
    public int RecallTarget { get; set; } = 5;

    /// <summary>Lowest scores of grades A, B and C; anything lower is D.</summary>
    public double GradeA { get; set; } = 0.85;
    public double GradeB { get; set; } = 0.70;
    public double GradeC { get; set; } = 0.50;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var weights = new[] { VolumeWeight, ComebackWeight, ComplaintWeight, SlaWeight, SatisfactionWeight, RecallWeight, SurveyScoreWeight, SurveyResponseWeight };
        if (weights.Any(w => w < 0) || Math.Abs(weights.Sum() - 1) > 1e-6)
        {
            problems.Add($"the eight weights must be non-negative and sum to 1; they sum to {weights.Sum():0.###}.");
        }

        if (VolumeTarget < 1 || RecallTarget < 1 || ComebackRateLimit <= 0 || ComplaintsPer100Limit <= 0 || SurveyResponseTarget is <= 0 or > 1)
        {
            problems.Add("VolumeTarget and RecallTarget must be at least 1, ComebackRateLimit and ComplaintsPer100Limit positive, SurveyResponseTarget in (0, 1].");
        }

        if (SuspendAfterConsecutiveD is < 0 or > 12)
        {
            problems.Add($"SuspendAfterConsecutiveD must be 0 (off) to 12; it is {SuspendAfterConsecutiveD}.");
        }

        foreach (var grade in new[] { "A", "B", "C", "D" })
        {
            if (!Consequences.TryGetValue(grade, out var c))
            {
                problems.Add($"Consequences:{grade} is missing; every grade A–D needs one.");
            }
            else if (c.AmountCny < 0 || (c.Kind == GradeConsequenceKind.None && c.AmountCny != 0))
            {
                problems.Add($"Consequences:{grade}: AmountCny must be 0 or more, and 0 when Kind is None.");
            }
        }

        if (!(GradeA > GradeB && GradeB > GradeC && GradeC > 0 && GradeA <= 1))
        {
            problems.Add("the grade thresholds must satisfy 1 ≥ GradeA > GradeB > GradeC > 0.");
        }

        return problems;
    }
}

/// <summary>Each input's score in [0, 1], the weighted total and the grade.</summary>
public sealed record StationGrade(
    string Grade, double Score, double Volume, double Comebacks, double Complaints, double Sla, double Satisfaction, double Recalls,
    double SurveyScore = 1, double SurveyResponse = 1);

/// <summary>
/// The monthly station grade (A–D) from volume, repeat repairs, complaints and their SLA breaches, customer
/// satisfaction, recall work and the customer satisfaction surveys after completed work orders (seed 000 §5.6: their mean
/// score and the response rate). Each input scores 0–1 against the policy's target or limit; a month without
/// complaints, callbacks or surveys due scores those inputs in full (nothing went wrong, nothing to measure).
/// </summary>
public static class StationGrades
{
    public static StationGrade Grade(StationMonthInputs m, GradePolicy p)
    {
        var volume = Math.Min(1, (double)m.CompletedWorkOrders / p.VolumeTarget);
        var comebacks = m.CompletedWorkOrders == 0 ? 1 : 1 - Math.Min(1, (double)m.Comebacks / m.CompletedWorkOrders / p.ComebackRateLimit);
        var complaints = 1 - Math.Min(1, m.Complaints * 100.0 / Math.Max(1, m.CompletedWorkOrders) / p.ComplaintsPer100Limit);
        // Breaches per card the station answers for: complaints against it and service requests sent to it.
        var cards = m.Complaints + m.ServiceRequests;
        var sla = cards == 0 ? 1 : 1 - Math.Min(1, (double)m.SlaBreaches / cards);
        var satisfaction = m.SatisfactionCount == 0 ? 1 : ((double)m.SatisfactionSum / m.SatisfactionCount - 1) / 4;
        var recalls = Math.Min(1, (double)m.RecallsCompleted / p.RecallTarget);
        var surveyScore = m.SurveysAnswered == 0 ? 1 : ((double)m.SurveyScoreSum / m.SurveysAnswered - 1) / 4;
        var surveyResponse = m.SurveysDue == 0 ? 1 : Math.Min(1, (double)m.SurveysAnswered / m.SurveysDue / p.SurveyResponseTarget);
        var score = Math.Round(
            (p.VolumeWeight * volume) + (p.ComebackWeight * comebacks) + (p.ComplaintWeight * complaints)
            + (p.SlaWeight * sla) + (p.SatisfactionWeight * satisfaction) + (p.RecallWeight * recalls)
            + (p.SurveyScoreWeight * surveyScore) + (p.SurveyResponseWeight * surveyResponse), 4);
        var grade = score >= p.GradeA ? "A" : score >= p.GradeB ? "B" : score >= p.GradeC ? "C" : "D";
        return new StationGrade(grade, score, R(volume), R(comebacks), R(complaints), R(sla), R(satisfaction), R(recalls), R(surveyScore), R(surveyResponse));
    }

    private static double R(double value) => Math.Round(value, 4);
}
