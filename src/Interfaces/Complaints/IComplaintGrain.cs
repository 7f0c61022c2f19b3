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

    /// <summary>The card.</summary>
    [Alias("Get"), Idempotent]
    Task<Outcome<ComplaintView>> GetAsync();

    /// <summary>Records every clock that has run out (called by the grain's own business-time timer and its reminder).</summary>
    [Alias("CheckClocks")]
    Task CheckClocksAsync();
}
