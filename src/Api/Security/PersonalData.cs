using System.Globalization;
using System.Security.Claims;
using AfterSales.Api.Http;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;
using AfterSales.Interfaces.Privacy;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Api.Security;

/// <summary>
/// Personal data by need (PIPL): an owner's or a customer's name and phone go in full only to the call centre,
/// operators and the station that serves that vehicle (its selling dealer, or a station with a live work order for
/// it) or complaint (the station it is assigned to); every other caller gets them masked (<c>李*</c>,
/// <c>138****0000</c>). Each full read is recorded before the reply (<see cref="IPersonalDataLogGrain"/>), so a log
/// that cannot be written is a 503, never an unrecorded read. A reply to the request that stated the data is not a read.
/// </summary>
public static class PersonalData
{
    /// <summary>Keeps the first three and last four digits of a mobile number (<c>138****0000</c>); less of a shorter one.</summary>
    public static string MaskPhone(string phone)
    {
        var value = phone.Trim();
        return value.Length switch
        {
            >= 11 => value[..3] + "****" + value[^4..],
            >= 7 => value[..2] + "****" + value[^2..],
            _ => "****",
        };
    }

    /// <summary>Keeps the first character (the family name of a Chinese name): <c>李*</c>.</summary>
    public static string MaskName(string name)
    {
        var value = name.Trim();
        return value.Length == 0 ? "*" : StringInfo.GetNextTextElement(value, 0) + "*";
    }

    /// <summary>A value shown masked must never come back as data: one with '*' is refused.</summary>
    public static void RefuseMasked(RequestErrors errors, string field, string? value)
    {
        if (value?.Contains('*', StringComparison.Ordinal) == true)
        {
            errors.Add(field, $"{field} contains '*': it looks like a masked value; send the full value (masked values are never stored).");
        }
    }

    public static VehicleView Masked(VehicleView view) =>
        view.Owner is { } owner ? view with { Owner = owner with { Name = MaskName(owner.Name), Phone = MaskPhone(owner.Phone) } } : view;

    public static ComplaintView Masked(ComplaintView view) =>
        view with { Intake = view.Intake with { CustomerName = MaskName(view.Intake.CustomerName), CustomerPhone = MaskPhone(view.Intake.CustomerPhone) } };

    /// <summary>
    /// A vehicle reply for this caller: in full (the read recorded unless <paramref name="stated"/>) or masked.
    /// </summary>
    public static async Task<IResult> VehicleReplyAsync(
        Outcome<VehicleView> outcome, HttpContext http, IClusterClient cluster, bool stated, Func<VehicleView, string>? location = null)
    {
        if (outcome.Value is not { Owner: not null } view)
        {
            return outcome.ToHttp(location);
        }

        var user = http.User;
        var full = SeesAll(user) || (user.IsInRole(Roles.Station) && user.FindFirstValue(Roles.StationClaim) is { } station
            && (string.Equals(view.DealerCode, station, StringComparison.Ordinal) || await cluster.Grain<IServiceStationGrain>(station).ServesVehicleAsync(view.Vin)));
        if (!full)
        {
            return (outcome with { Value = Masked(view) }).ToHttp(location);
        }

        // The grain recorded it with its write when handed over (HandOverVehicleRead); a previous release's did not.
        if (!stated && !outcome.PersonalDataReadRecorded)
        {
            await RecordAsync(http, cluster, PersonalDataSubject.Vehicle, view.Vin);
        }

        return outcome.ToHttp(location);
    }

    /// <summary>
    /// For a caller who sees every owner in full, hands the read that the reply of the write about to be sent to
    /// <paramref name="vehicle"/> will make over to that grain, which records it while its state write commits instead
    /// of after it (<see cref="PersonalDataReads"/>); true if handed over. Any other caller's reply is decided here,
    /// after the reply (a station sees the owner only of a vehicle it serves), and recorded here.
    /// </summary>
    public static bool HandOverVehicleRead(HttpContext http, IAddressable vehicle)
    {
        if (!SeesAll(http.User) || PersonalDataReads.Compose(Now(http), http.User.Actor(), Route(http)) is not { } read)
        {
            return false;
        }

        AddressedCallContext.Set(PersonalDataReads.RecordWithWriteKey, vehicle.GetGrainId(), read);
        return true;
    }

    /// <summary>Ends a <see cref="HandOverVehicleRead"/>: the request's further calls do not carry it.</summary>
    public static void TakeBackVehicleRead() => RequestContext.Remove(PersonalDataReads.RecordWithWriteKey);

    /// <summary>A complaint reply for this caller: in full (the read recorded unless <paramref name="stated"/>) or masked.</summary>
    public static async Task<IResult> ComplaintReplyAsync(
        Outcome<ComplaintView> outcome, HttpContext http, IClusterClient cluster, bool stated, Func<ComplaintView, string>? location = null)
    {
        if (outcome.Value is not { } view)
        {
            return outcome.ToHttp(location);
        }

        var user = http.User;
        if (!SeesAll(user) && !(user.IsInRole(Roles.Station) && user.FindFirstValue(Roles.StationClaim) == view.StationCode))
        {
            return (outcome with { Value = Masked(view) }).ToHttp(location);
        }

        if (!stated)
        {
            await RecordAsync(http, cluster, PersonalDataSubject.Complaint, view.Id);
        }

        return outcome.ToHttp(location);
    }

    private static bool SeesAll(ClaimsPrincipal user) => user.IsInRole(Roles.CallCentre) || user.IsInRole(Roles.Operator);

    private static Task RecordAsync(HttpContext http, IClusterClient cluster, PersonalDataSubject subject, string id) =>
        cluster.Grain<IPersonalDataLogGrain>(0).RecordAsync(new PersonalDataRead(Now(http), http.User.Actor(), subject, id, Route(http)));

    private static DateTimeOffset Now(HttpContext http) => (http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();

    private static string Route(HttpContext http) => $"{http.Request.Method} {http.Request.Path}";
}
