using AfterSales.Grains.Stations;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Tests;

/// <summary>
/// Seed 001 §5.3.1 (维修人员必须经过专业培训,考核合格后持证上岗: repair staff work only with a certificate) as the
/// station decides it: an appraisal needs an appraiser certificate in force on the appraisal's business date
/// (validFrom ≤ date ≤ validUntil), held by a person of the station with the appraiser's name.
/// </summary>
public sealed class CertificationRulesTests
{
    private static readonly DateOnly From = new(2026, 3, 1);
    private static readonly DateOnly Until = new(2027, 2, 28);
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static StationState Station(params StationPerson[] people) => new()
    {
        Registry = new StationRegistration("Harbin 1", "Heilongjiang", "Harbin", 45.7, 126.6, 4, ["Wang", "Zhao", "Li"]),
        People = [.. people],
        WorkOrders = [Order],
        WorkOrdersOpened = 1,
    };

    private static readonly WorkOrderView Order = new(
        "S1-1", "S1", "LSVAU218XN2183294", VisitKind.Repair, 1_000, "P0301", VehicleSystem.Engine, WorkGrade.Minor, null, null,
        WorkOrderState.InRepair, Now.AddHours(-3), Now.AddHours(-2), null, null, null, null, null, ArchivedOnVehicle: false, 0, null);

    private static StationPerson Wang(CertificateKind kind = CertificateKind.Appraiser) =>
        new("W1", "Wang", [new Certificate(kind, "C-001", From, Until)]);

    private static Appraisal By(string appraiser) =>
        new(true, Interfaces.Claims.FailureCause.Defect, [new AppraisedPart("P-1", 1, false)], false, appraiser, SafetyDefect.None, false);

    public static TheoryData<DateOnly, bool> Boundaries() => new()
    {
        { From.AddDays(-1), false }, // the day before validFrom
        { From, true },              // validFrom itself
        { Until, true },             // validUntil itself
        { Until.AddDays(1), false }, // the day after validUntil
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Seed001_5_3_1_AnAppraiserCertificate_CountsFromValidFromThroughValidUntil(DateOnly date, bool certified)
    {
        var state = Station(Wang());
        Assert.Equal(certified, StationDecisions.IsCertified(state, "Wang", CertificateKind.Appraiser, date));
        var refusal = StationDecisions.CanAppraise(state, Order, By("Wang"), date);
        if (certified)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.Equal(ProblemCodes.AppraiserNotCertified, refusal!.Code);
            Assert.Contains(date.ToString("yyyy-MM-dd"), refusal.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Seed001_5_3_1_ATechnicianCertificate_DoesNotMakeAnAppraiser()
    {
        var state = Station(Wang(CertificateKind.Technician));
        Assert.True(StationDecisions.IsCertified(state, "Wang", CertificateKind.Technician, From));
        Assert.False(StationDecisions.IsCertified(state, "Wang", CertificateKind.Appraiser, From));
        Assert.Equal(ProblemCodes.AppraiserNotCertified, StationDecisions.CanAppraise(state, Order, By("Wang"), From)!.Code);
    }

    [Fact]
    public void Seed001_5_3_1_AnAppraiserNotRecordedAmongThePeople_IsNotCertified()
    {
        var state = Station(Wang());
        var refusal = StationDecisions.CanAppraise(state, Order, By("Zhao"), From);
        Assert.Equal(ProblemCodes.AppraiserNotCertified, refusal!.Code);
        Assert.Equal(OutcomeStatus.Conflict, refusal.Status);
        Assert.Contains("not recorded", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAppraiserTheStationDoesNotName_IsStillA400_EvenWhenCertified()
    {
        var state = Station(Wang(), new StationPerson("X1", "Xu", [new Certificate(CertificateKind.Appraiser, "C-9", From, Until)]));
        var refusal = StationDecisions.CanAppraise(state, Order, By("Xu"), From);
        Assert.Equal(OutcomeStatus.Invalid, refusal!.Status);
    }

    [Fact]
    public void Seed001_5_3_1_AnyValidCertificateOfThePerson_Suffices()
    {
        var renewed = new StationPerson("W1", "Wang", [
            new Certificate(CertificateKind.Appraiser, "C-001", From, Until),
            new Certificate(CertificateKind.Appraiser, "C-002", Until.AddDays(1), Until.AddYears(3)),
        ]);
        Assert.Null(StationDecisions.CanAppraise(Station(renewed), Order, By("Wang"), Until.AddDays(1)));
    }

    [Fact]
    public void SetPerson_Adds_Replaces_AndKeepsNamesUnique()
    {
        var state = Station();
        var added = StationDecisions.SetPerson(state, "S1", Wang());
        Assert.Null(added.Refusal);
        Assert.Single(added.Next!.People);
        Assert.Equal(state.Version + 1, added.Next.Version);

        // The same again changes nothing.
        var same = StationDecisions.SetPerson(added.Next, "S1", Wang());
        Assert.Null(same.Next);
        Assert.Null(same.Refusal);

        var replaced = StationDecisions.SetPerson(added.Next, "S1", Wang(CertificateKind.Technician));
        Assert.Equal(CertificateKind.Technician, Assert.Single(replaced.Next!.People).Certificates[0].Kind);

        var namesake = StationDecisions.SetPerson(added.Next, "S1", new StationPerson("W2", "Wang", []));
        Assert.Equal(ProblemCodes.AlreadyExists, namesake.Refusal!.Code);
    }

    [Fact]
    public void SetPerson_RefusesACertificateEndingBeforeItStarts_AndAnUnregisteredStation()
    {
        var backwards = new StationPerson("W1", "Wang", [new Certificate(CertificateKind.Appraiser, "C-1", Until, From)]);
        var refused = StationDecisions.SetPerson(Station(), "S1", backwards).Refusal!;
        Assert.Equal(OutcomeStatus.Invalid, refused.Status);
        Assert.True(refused.Errors!.ContainsKey("certificates[0].validUntil"));

        Assert.Equal(OutcomeStatus.NotFound, StationDecisions.SetPerson(new StationState(), "S1", Wang()).Refusal!.Status);
    }
}
