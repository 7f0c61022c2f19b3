namespace AfterSales.Grains.Tests;

/// <summary>
/// The contracts (Interfaces) and the rules (Domain) each have their own copy of some enums, and the grains convert
/// between them by value (<c>(T)(int)x</c>). The copies must have the same members with the same values, or a
/// conversion silently means something else (a serious-safety defect read as another, a state skipped).
/// </summary>
public sealed class EnumCopiesTests
{
    public static TheoryData<Type, Type> Pairs => new()
    {
        { typeof(Interfaces.Vehicles.CoverageState), typeof(Domain.Warranty.CoverageState) },
        { typeof(Interfaces.Vehicles.EntitlementStatus), typeof(Domain.Warranty.EntitlementStatus) },
        { typeof(Interfaces.Vehicles.FirstMaintenanceState), typeof(Domain.Warranty.FirstMaintenanceState) },
        { typeof(Interfaces.Vehicles.Remedy), typeof(Domain.Warranty.Remedy) },
        { typeof(Interfaces.Vehicles.Powertrain), typeof(Domain.Vehicles.Powertrain) },
        { typeof(Interfaces.Vehicles.SafetyDefect), typeof(Domain.Repairs.SafetyDefect) },
        { typeof(Interfaces.Vehicles.VehicleSystem), typeof(Domain.Repairs.VehicleSystem) },
        { typeof(Interfaces.Vehicles.VisitKind), typeof(Domain.Repairs.VisitKind) },
        { typeof(Interfaces.Vehicles.WorkGrade), typeof(Domain.Repairs.WorkGrade) },
        { typeof(Interfaces.Claims.FailureCause), typeof(Domain.Claims.FailureCause) },
        { typeof(Interfaces.Stations.WorkOrderState), typeof(Domain.Stations.WorkOrderStatus) },
        { typeof(Interfaces.Stations.WorkOrderCommand), typeof(Domain.Stations.WorkOrderAction) },
        { typeof(Interfaces.Complaints.ComplaintAction), typeof(Domain.Complaints.ComplaintStep) },
        { typeof(Interfaces.Complaints.ComplaintState), typeof(Domain.Complaints.ComplaintStage) },
        { typeof(Interfaces.Complaints.SlaClockName), typeof(Domain.Complaints.SlaClockKind) },
        { typeof(Interfaces.Complaints.SlaClockStatus), typeof(Domain.Complaints.SlaClockStatus) },
        { typeof(Interfaces.Complaints.ComplaintKind), typeof(Domain.Complaints.CardKind) },
    };

    /// <summary>
    /// Members only the contract has, on purpose: "register" names the intake in a card's history and is refused as a
    /// step (ComplaintDecisions.Act), so it is never converted.
    /// </summary>
    private static readonly HashSet<Enum> ContractOnly =
        [Interfaces.Complaints.ComplaintAction.Register, Interfaces.Complaints.ComplaintAction.Assign, Interfaces.Complaints.ComplaintAction.CorrectiveAction];

    [Theory]
    [MemberData(nameof(Pairs))]
    public void TheTwoCopies_HaveTheSameMembers_WithTheSameValues(Type contract, Type rules)
    {
        var shared = Members(contract).Where(m => !ContractOnly.Contains((Enum)Enum.ToObject(contract, m.Value))).ToList();
        Assert.Equal(shared, Members(rules));
    }

    [Fact]
    public void EveryEnumOfTheContractsWithADomainNamesake_IsInTheList()
    {
        var listed = Pairs.Select(p => (Type)p[0]).ToHashSet();
        var domainNames = typeof(Domain.Boundaries).Assembly.GetTypes().Where(t => t.IsEnum).Select(t => t.Name).ToHashSet();
        var unlisted = typeof(Interfaces.Common.Refusal).Assembly.GetTypes()
            .Where(t => t.IsEnum && domainNames.Contains(t.Name) && !listed.Contains(t))
            .Select(t => t.FullName);
        Assert.Empty(unlisted);
    }

    private static List<(string Name, long Value)> Members(Type type) =>
        [.. Enum.GetValues(type).Cast<object>().Select(v => (Enum.GetName(type, v)!, Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture))).OrderBy(m => m.Item2)];
}
