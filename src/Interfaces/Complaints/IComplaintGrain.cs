using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Complaints;

/// <summary>One complaint's tracking card, keyed by complaint id; it keeps its own SLA clocks running.</summary>
[Alias("AfterSales.IComplaintGrain")]
[Version(1)]
public interface IComplaintGrain : IGrainWithStringKey
{
    /// <summary>Registers the complaint and assigns the nearest authorised station; a repeat of the same intake returns the card.</summary>
    [Alias("Register")]
    Task<Outcome<ComplaintView>> RegisterAsync(ComplaintIntake intake, string actor);

    /// <summary>Takes one step on the card; an illegal step is a conflict naming the current state.</summary>
    [Alias("Act")]
    Task<Outcome<ComplaintView>> ActAsync(ComplaintCommand command, string actor, string? idempotencyKey);

    /// <summary>Takes a card from the call centre's queue to a station (409 already-assigned when it has one).</summary>
    [Alias("Assign")]
    Task<Outcome<ComplaintView>> AssignAsync(string stationCode, string actor, string? idempotencyKey);

    /// <summary>Opens a corrective/preventive action on the card (201 with the action, id <c>{complaintId}-A{n}</c>).</summary>
    [Alias("OpenCorrectiveAction")]
    Task<Outcome<CorrectiveActionView>> OpenCorrectiveActionAsync(OpenCorrectiveAction request, string actor, string? idempotencyKey);

    /// <summary>Completes, verifies or waives one of the card's corrective actions.</summary>
    [Alias("ActOnCorrectiveAction")]
    Task<Outcome<CorrectiveActionView>> ActOnCorrectiveActionAsync(string actionId, CorrectiveActionStep step, string? note, string actor, string? idempotencyKey);

    /// <summary>The card.</summary>
    [Alias("Get"), Idempotent]
    Task<Outcome<ComplaintView>> GetAsync();

    /// <summary>Records every clock that has run out (called by the grain's own business-time timer and its reminder).</summary>
    [Alias("CheckClocks")]
    Task CheckClocksAsync();
}
