namespace AfterSales.Domain.Repairs;

/// <summary>Why the vehicle came in.</summary>
public enum VisitKind
{
    /// <summary>Scheduled maintenance; never counts toward 三包.</summary>
    Maintenance,

    /// <summary>首保, the first maintenance inside its window.</summary>
    FirstMaintenance,

    /// <summary>A repair; counts toward 三包 when it is a warranty repair.</summary>
    Repair,

    /// <summary>Recall work under a campaign.</summary>
    Recall,
}

/// <summary>The vehicle system a visit worked on.</summary>
public enum VehicleSystem
{
    /// <summary>Engine (发动机).</summary>
    Engine,

    /// <summary>Gearbox (变速器).</summary>
    Gearbox,

    /// <summary>Traction battery (动力蓄电池).</summary>
    TractionBattery,

    /// <summary>Drive motor (行驶驱动电机).</summary>
    DriveMotor,

    /// <summary>Steering (转向系统).</summary>
    Steering,

    /// <summary>Brakes (制动系统).</summary>
    Brakes,

    /// <summary>Suspension (悬架系统).</summary>
    Suspension,

    /// <summary>Drivetrain (传动系统).</summary>
    Drivetrain,

    /// <summary>Emission control (污染控制装置).</summary>
    EmissionControl,

    /// <summary>Body (车身).</summary>
    Body,

    /// <summary>Electrical systems other than the traction battery.</summary>
    Electrical,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>The work grade that sets the repair-quality guarantee (维修质量保证期, seed 002).</summary>
public enum WorkGrade
{
    /// <summary>Whole-vehicle overhaul or major-assembly repair (整车修理或总成修理): 20,000 km or 100 days by default.</summary>
    Overhaul,

    /// <summary>Secondary maintenance (二级维护): 5,000 km or 30 days by default.</summary>
    Secondary,

    /// <summary>Primary maintenance, minor or special repair (一级维护、小修及专项修理): 2,000 km or 10 days by default.</summary>
    Minor,
}

/// <summary>The Art. 23 safety defects.</summary>
public enum SafetyDefect
{
    /// <summary>None of the Art. 23 defects.</summary>
    None,

    /// <summary>Steering failure (转向系统失效).</summary>
    SteeringFailure,

    /// <summary>Brake failure (制动系统失效).</summary>
    BrakeFailure,

    /// <summary>Body cracking (车身开裂).</summary>
    BodyCracking,

    /// <summary>Fuel leak (燃油泄漏).</summary>
    FuelLeak,

    /// <summary>Traction-battery fire (动力蓄电池起火).</summary>
    BatteryFire,
}
