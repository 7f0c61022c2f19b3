using System.Collections.Immutable;
using System.Globalization;
using AfterSales.Domain.Stations;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Reports;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AfterSales.Grains.Quality;

/// <summary>
/// The monthly grades. Every input is already summed per station and month by events (counter roll-up
/// <c>station:{code}:{yyyy-MM}</c>); the report asks each station's month once, in parallel, and grades it with
/// <see cref="StationGrades"/>. A stateless worker, so reports run on every silo.
/// </summary>
[StatelessWorker]
public sealed class StationGradesGrain(IOptions<GradePolicy> policy) : Grain, IStationGradesGrain
{
    private readonly GradePolicy _policy = policy.Value;

    public async Task<StationGradesReport> GetAsync()
    {
        var month = DateOnly.ParseExact(this.GetPrimaryKeyString() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var provinces = (await GrainFactory.Grain<INetworkGrain>(RollupScopes.National).GetSummaryAsync()).Provinces?.Keys ?? [];
        var members = await Task.WhenAll(provinces.Select(async p =>
            (Province: p, Codes: await GrainFactory.Grain<IStationGroupGrain>("province:" + p).GetMembersAsync())));
        var stations = members.SelectMany(m => m.Codes.Select(code => (m.Province, Code: code))).OrderBy(s => s.Code, StringComparer.Ordinal).ToList();
        var counters = await Task.WhenAll(stations.Select(s =>
            GrainFactory.Grain<ICounterRollupGrain>(RollupScopes.StationMonth(s.Code, month.Year, month.Month)).GetCountersAsync()));

        var views = stations.Zip(counters, (s, c) => View(s.Code, s.Province, c.Counters)).ToImmutableArray();
        var weights = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, double>
        {
            ["volume"] = _policy.VolumeWeight, ["comebacks"] = _policy.ComebackWeight, ["complaints"] = _policy.ComplaintWeight,
            ["slaBreaches"] = _policy.SlaWeight, ["satisfaction"] = _policy.SatisfactionWeight, ["recalls"] = _policy.RecallWeight,
            ["surveyScore"] = _policy.SurveyScoreWeight, ["surveyResponse"] = _policy.SurveyResponseWeight,
        });
        return new StationGradesReport(this.GetPrimaryKeyString(), weights, views);
    }

    private StationGradeView View(string code, string province, ImmutableSortedDictionary<string, long> c)
    {
        long Get(string name) => c.GetValueOrDefault(name);
        var inputs = new StationMonthInputs(
            Get(StationMonthCounters.CompletedWorkOrders), Get(StationMonthCounters.Comebacks), Get(StationMonthCounters.Complaints),
            Get(StationMonthCounters.SlaBreaches), Get(StationMonthCounters.SatisfactionSum), Get(StationMonthCounters.SatisfactionCount),
            Get(StationMonthCounters.RecallsCompleted), Get(StationMonthCounters.SurveysDue), Get(StationMonthCounters.SurveysAnswered),
            Get(StationMonthCounters.SurveyScoreSum)) { ServiceRequests = Get(StationMonthCounters.ServiceRequests) };
        var grade = StationGrades.Grade(inputs, _policy);
        var shown = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, long>
        {
            [StationMonthCounters.CompletedWorkOrders] = inputs.CompletedWorkOrders,
            [StationMonthCounters.Comebacks] = inputs.Comebacks,
            [StationMonthCounters.Complaints] = inputs.Complaints,
            [StationMonthCounters.ServiceRequests] = inputs.ServiceRequests,
            [StationMonthCounters.SlaBreaches] = inputs.SlaBreaches,
            [StationMonthCounters.SatisfactionSum] = inputs.SatisfactionSum,
            [StationMonthCounters.SatisfactionCount] = inputs.SatisfactionCount,
            [StationMonthCounters.RecallsCompleted] = inputs.RecallsCompleted,
            [StationMonthCounters.SurveysDue] = inputs.SurveysDue,
            [StationMonthCounters.SurveysAnswered] = inputs.SurveysAnswered,
            [StationMonthCounters.SurveysNoAnswer] = Get(StationMonthCounters.SurveysNoAnswer),
            [StationMonthCounters.SurveyScoreSum] = inputs.SurveyScoreSum,
        });
        var scores = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, double>
        {
            ["volume"] = grade.Volume, ["comebacks"] = grade.Comebacks, ["complaints"] = grade.Complaints,
            ["slaBreaches"] = grade.Sla, ["satisfaction"] = grade.Satisfaction, ["recalls"] = grade.Recalls,
            ["surveyScore"] = grade.SurveyScore, ["surveyResponse"] = grade.SurveyResponse,
        });
        return new StationGradeView(code, province, grade.Grade, grade.Score, shown, scores);
    }
}
