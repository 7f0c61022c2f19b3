namespace AfterSales.Api.Security;

/// <summary>The caller roles (JWT claim <c>role</c>). A <see cref="Station"/> caller also carries <see cref="StationClaim"/>.</summary>
public static class Roles
{
    public const string CallCentre = "callCentre";
    public const string Station = "station";
    public const string Warranty = "warranty";
    public const string Parts = "parts";
    public const string Operator = "operator";
    public const string Reader = "reader";

    /// <summary>The station code a station caller acts for.</summary>
    public const string StationClaim = "station";

    public static readonly string[] All = [CallCentre, Station, Warranty, Parts, Operator, Reader];
}

/// <summary>Authorization policies: who may do what. Every /api route names one.</summary>
public static class Policies
{
    /// <summary>Read anything (every role).</summary>
    public const string Read = "read";

    /// <summary>Register vehicles, bulk loads, network administration.</summary>
    public const string Operate = "operate";

    /// <summary>The dashboard outside Development: an operator's bearer token or sign-in cookie.</summary>
    public const string OperatorTools = "operatorTools";

    /// <summary>The OpenAPI document and /scalar outside Development: any role's bearer token, or an operator's sign-in cookie.</summary>
    public const string ApiDocs = "apiDocs";

    /// <summary>Delivery and odometer readings: stations (dealers) and operators.</summary>
    public const string StationWork = "stationWork";

    /// <summary>Ownership changes: call centre and operators.</summary>
    public const string CustomerRecords = "customerRecords";

    /// <summary>Complaint intake and escalation: call centre, stations and operators.</summary>
    public const string ComplaintIntake = "complaintIntake";

    /// <summary>Replacement, refund and scrapping: warranty department and operators.</summary>
    public const string WarrantyDecisions = "warrantyDecisions";

    /// <summary>Replace/refund cases opened on an owner's request, and read: call centre, warranty department and operators.</summary>
    public const string BuybackRequests = "buybackRequests";

    /// <summary>Settlement statements: stations (their own), the warranty department and operators.</summary>
    public const string Settlements = "settlements";

    /// <summary>Depot stock, orders and shipments: the parts department and operators.</summary>
    public const string PartsWork = "partsWork";

    /// <summary>Parts requests and demand plans: stations (for themselves), the parts department and operators.</summary>
    public const string PartsRequests = "partsRequests";

    /// <summary>Customer satisfaction surveys (the list due, answers): call centre and operators — never the station surveyed.</summary>
    public const string Surveys = "surveys";
}
