using AfterSales.Domain.Stations;
using AfterSales.Domain.Warranty;
using AfterSales.Grains.Complaints;
using AfterSales.Grains.Parts;
using AfterSales.Grains.Quality;
using AfterSales.Grains.Recalls;
using AfterSales.Grains.Stations;
using AfterSales.Grains.Vehicles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AfterSales.Silo.Hosting;

public static class PolicyRegistration
{
    /// <summary>Configuration section of the vehicle policy (warranty periods, 三包 thresholds, idempotency window).</summary>
    public const string VehiclesSection = "Policies:Vehicles";

    /// <summary>Configuration section of the station policy (idempotency window, bay limit).</summary>
    public const string StationsSection = "Policies:Stations";

    /// <summary>Configuration section of the quality-report policy (repeat-fault signals).</summary>
    public const string QualitySection = "Policies:Quality";

    /// <summary>Configuration section of the monthly station grade (weights, targets, thresholds).</summary>
    public const string GradesSection = "Policies:Grades";

    /// <summary>Configuration section of the complaint policy (SLA clocks, station search, reminder period).</summary>
    public const string ComplaintsSection = "Policies:Complaints";

    /// <summary>Configuration section of the parts policy (reorder points, plan deadline).</summary>
    public const string PartsSection = "Policies:Parts";

    /// <summary>Configuration section of the recall policy (how long a campaign stays at 100 % before it closes itself).</summary>
    public const string RecallsSection = "Policies:Recalls";

    /// <summary>Business policies from configuration, validated when the silo starts (errors name the setting).</summary>
    public static IServiceCollection AddAfterSalesPolicies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VehicleOptions>()
            .Configure(options => BindVehicleOptions(configuration.GetSection(VehiclesSection), options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<VehicleOptions>, VehicleOptionsValidator>();
        services.AddOptions<StationOptions>()
            .Bind(configuration.GetSection(StationsSection))
            .Validate(o => o.IdempotencyWindow > TimeSpan.Zero && o.MaxBays >= 1 && o.ClaimReviewAbove >= 0,
                $"{StationsSection}: MaxBays must be at least 1, IdempotencyWindow positive and ClaimReviewAbove not negative.")
            .ValidateOnStart();
        services.AddOptions<QualityOptions>()
            .Bind(configuration.GetSection(QualitySection))
            .Validate(o => o.RepeatFaultVehicles >= 2 && o.RepeatFaultWindowDays >= 1,
                $"{QualitySection}: RepeatFaultVehicles must be at least 2 and RepeatFaultWindowDays at least 1.")
            .ValidateOnStart();
        services.AddOptions<GradePolicy>()
            .Bind(configuration.GetSection(GradesSection))
            .Validate(o => o.Validate().Count == 0, $"{GradesSection}: the weights must be non-negative and sum to 1, targets positive, 1 ≥ GradeA > GradeB > GradeC > 0.")
            .ValidateOnStart();
        services.AddOptions<ComplaintOptions>()
            .Bind(configuration.GetSection(ComplaintsSection))
            .Validate(o => o.ValidatePolicies().Count == 0,
                $"{ComplaintsSection}: every SLA policy's clocks above zero (≤ 30 days) and ServiceRadiusKm in (0, 2000]; ServiceRequestPolicy and ComplaintPolicy naming a policy; "
                + "MaxSearchRadiusKm at least Sla:ServiceRadiusKm and at most 500.")
            .Validate(o => o.ReminderPeriod >= TimeSpan.FromSeconds(1) && o.IdempotencyWindow > TimeSpan.Zero,
                $"{ComplaintsSection}: ReminderPeriod must be at least 1 second, IdempotencyWindow positive.")
            .ValidateOnStart();
        services.AddOptions<RecallOptions>()
            .Bind(configuration.GetSection(RecallsSection))
            .Validate(o => o.CloseWhenCompleteAfter >= TimeSpan.Zero && o.CloseWhenCompleteAfter <= TimeSpan.FromDays(30),
                $"{RecallsSection}: CloseWhenCompleteAfter must be between 0 and 30 days.")
            .ValidateOnStart();
        services.AddOptions<PartsOptions>()
            .Bind(configuration.GetSection(PartsSection))
            .Validate(o => o.DefaultReorderPoint >= 0 && o.ReorderPoints.Values.All(v => v >= 0) && o.PlanDeadlineDay is >= 1 and <= 28
                    && o.IdempotencyWindow > TimeSpan.Zero,
                $"{PartsSection}: reorder points must be 0 or more, PlanDeadlineDay 1–28, IdempotencyWindow positive.")
            .ValidateOnStart();
        return services;
    }

    private static void BindVehicleOptions(IConfigurationSection section, VehicleOptions options)
    {
        section.Bind(options);
        // The offset lives in the warranty policy; binding Warranty after it could have put the default back.
        if (section.GetValue<TimeSpan?>(nameof(VehicleOptions.BusinessUtcOffset)) is { } offset)
        {
            options.BusinessUtcOffset = offset;
        }

        // The binder appends configured list items to the defaults; a configured component list replaces them.
        var components = section.GetSection("Warranty:Components");
        if (components.Exists())
        {
            options.Warranty = options.Warranty with { Components = components.Get<List<ComponentCoverage>>() ?? [] };
        }
    }

    private sealed class VehicleOptionsValidator : IValidateOptions<VehicleOptions>
    {
        public ValidateOptionsResult Validate(string? name, VehicleOptions options)
        {
            var problems = options.Warranty.Validate().Select(p => $"{VehiclesSection}:Warranty:{p}").ToList();
            if (options.IdempotencyWindow <= TimeSpan.Zero)
            {
                problems.Add($"{VehiclesSection}:IdempotencyWindow must be positive; it is {options.IdempotencyWindow}.");
            }

            if (options.MaxKmPerDay is < 100 or > 10_000)
            {
                problems.Add($"{VehiclesSection}:MaxKmPerDay must be 100–10000; it is {options.MaxKmPerDay}.");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
