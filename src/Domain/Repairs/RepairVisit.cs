namespace AfterSales.Domain.Repairs;

/// <summary>One visit in the repair archive (客户维修档案, seed 000 §5.3.6).</summary>
public sealed record RepairVisit
{
    /// <summary>The work order id.</summary>
    public required string Id { get; init; }

    /// <summary>The station that did the work.</summary>
    public required string StationCode { get; init; }

    /// <summary>Why the vehicle came in.</summary>
    public required VisitKind Kind { get; init; }

    /// <summary>When the owner and the station agreed the repair: the Art. 40 clock starts here.</summary>
    public required DateTimeOffset AgreedAt { get; init; }

    /// <summary>When the work was finished; null while the vehicle is still in repair.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Odometer reading at check-in, km.</summary>
    public required int MileageKm { get; init; }

    /// <summary>Fault code; two repairs with the same code are the same quality problem.</summary>
    public string? FaultCode { get; init; }

    /// <summary>
    /// The repair item (维修项目, an operation code) when the station names one; two visits with the same item are the
    /// same work for the repair-quality guarantee even without a fault code. See <see cref="Comebacks.RepairItemOf"/>.
    /// </summary>
    public string? RepairItem { get; init; }

    /// <summary>The system worked on.</summary>
    public VehicleSystem System { get; init; } = VehicleSystem.Other;

    /// <summary>The work grade, which sets the repair-quality guarantee.</summary>
    public WorkGrade WorkGrade { get; init; } = WorkGrade.Minor;

    /// <summary>Judged a warranty repair by the appraiser.</summary>
    public bool Warranty { get; init; }

    /// <summary>The whole engine, gearbox, traction battery or drive motor was replaced.</summary>
    public bool UnitReplaced { get; init; }

    /// <summary>
    /// The catalogue main parts (主要零件, Art. 20, 22, 24(3)) the appraisal replaced or found failing; empty when
    /// none was. Only parts the manufacturer's catalogue lists as main parts of the visit's system get here.
    /// </summary>
    public IReadOnlyList<string> MainPartsReplaced { get; init; } = [];

    /// <summary>A serious safety fault was repaired (Art. 24(1)).</summary>
    public bool SeriousSafety { get; init; }

    /// <summary>The Art. 23 safety defect found, if any.</summary>
    public SafetyDefect SafetyDefect { get; init; } = SafetyDefect.None;

    /// <summary>
    /// Time not counted toward the Art. 24(4) repair days: shipping of VIN-customised special parts
    /// and of traction batteries, and rescue travel time.
    /// </summary>
    public TimeSpan ExcludedTime { get; init; } = TimeSpan.Zero;

    /// <summary>The recall campaign, for recall work.</summary>
    public string? RecallCampaignId { get; init; }

    /// <summary>What was done.</summary>
    public string? WorkDone { get; init; }

    /// <summary>Parts used.</summary>
    public IReadOnlyList<PartLine> PartsUsed { get; init; } = [];

    /// <summary>The appraiser (鉴定员) who judged the warranty case.</summary>
    public string? Appraiser { get; init; }

    /// <summary>
    /// The work order was cancelled after its appraisal (say, the owner chose a replacement instead): what the
    /// appraisal found still counts as a finding (Art. 20, 22, 23, and a fault persisting under Art. 24), but no repair
    /// was carried out, so it counts as no repair, replacement or repair day.
    /// </summary>
    public bool Cancelled { get; init; }

    /// <summary>A warranty repair: the only kind of visit that counts toward 三包.</summary>
    public bool IsWarrantyRepair => Kind == VisitKind.Repair && Warranty;
}
