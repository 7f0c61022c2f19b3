using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AfterSales.Api.Apis;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>
/// The vehicle routes as typed calls, with the JSON the API speaks (camelCase, enums as camelCase strings, nulls
/// left out). Methods named after an action expect it to succeed and return the typed body; <c>Post…Async</c> and
/// <c>SendAsync</c> return the raw response for tests about refusals.
/// </summary>
public sealed class VehicleClient(HttpClient http, TimeProvider clock)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The business calendar's offset (the silo's default, China).</summary>
    public static readonly TimeSpan BusinessOffset = TimeSpan.FromHours(8);

    public static readonly JsonSerializerOptions Json = CreateJson();

    public HttpClient Http => http;

    /// <summary>"Today" on the business calendar of the fake clock the silo reads.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(BusinessOffset).DateTime);

    /// <summary>The silo's current instant.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    public static string VehiclePath(string vin) => $"/api/vehicles/{vin}";

    /// <summary>An instant on a business day, at a local (UTC+8) hour.</summary>
    public static DateTimeOffset At(DateOnly day, int hour, int minute = 0) =>
        new(day.ToDateTime(new TimeOnly(hour, minute)), BusinessOffset);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // ---- raw requests ----

    public Task<HttpResponseMessage> PostAsync(string path, object body, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, JsonContent.Create(body, body.GetType(), options: Json), idempotencyKey);

    public Task<HttpResponseMessage> PostRawAsync(string path, string body, string contentType, string? idempotencyKey = null)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return SendAsync(HttpMethod.Post, path, content, idempotencyKey);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

    public Task<HttpResponseMessage> PostRegistrationAsync(RegisterVehicleRequest request, string? idempotencyKey = null) =>
        PostAsync("/api/vehicles", request, idempotencyKey);

    public Task<HttpResponseMessage> PostDeliveryAsync(string vin, DeliveryRequest request, string? idempotencyKey = null) =>
        PostAsync($"{VehiclePath(vin)}/delivery", request, idempotencyKey);

    public Task<HttpResponseMessage> PostOdometerAsync(string vin, OdometerRequest request, string? idempotencyKey = null) =>
        PostAsync($"{VehiclePath(vin)}/odometer", request, idempotencyKey);

    public Task<HttpResponseMessage> PostOwnershipAsync(string vin, OwnershipRequest request, string? idempotencyKey = null) =>
        PostAsync($"{VehiclePath(vin)}/ownership", request, idempotencyKey);

    public Task<HttpResponseMessage> PostLifecycleAsync(string vin, LifecycleRequest request, string? idempotencyKey = null) =>
        PostAsync($"{VehiclePath(vin)}/lifecycle", request, idempotencyKey);

    public Task<HttpResponseMessage> PostVisitAsync(string vin, VisitRequest request, string? idempotencyKey = null) =>
        PostAsync($"{VehiclePath(vin)}/visits", request, idempotencyKey);

    public Task<HttpResponseMessage> PostBulkAsync(BulkVehiclesRequest request) => PostAsync("/api/vehicles/bulk", request);

    public static string WarrantyPath(string vin, DateOnly? asOf = null, int? mileageKm = null)
    {
        var query = new List<string>();
        if (asOf is { } date)
        {
            query.Add($"asOf={Date(date)}");
        }

        if (mileageKm is { } km)
        {
            query.Add($"mileageKm={km.ToString(CultureInfo.InvariantCulture)}");
        }

        return $"{VehiclePath(vin)}/warranty" + (query.Count == 0 ? "" : "?" + string.Join("&", query));
    }

    // ---- typed calls that must succeed ----
    // Made through the typed client generated from the OpenAPI document (src/Client), so every test that uses them
    // also checks the document and the generated code against the API: the request is the generated type, and the
    // reply read by it is handed back as the grain contract's view for the tests' assertions.

    /// <summary>The generated client over this caller's <see cref="HttpClient"/> (its token and address).</summary>
    public Client.AfterSalesApi Api { get; } = new(http);

    public async Task<VehicleView> RegisterAsync(RegisterVehicleRequest request) =>
        Contract<VehicleView>(await Api.RegisterVehicleAsync(null, Generated<Client.RegisterVehicleRequest>(request)));

    public async Task<VehicleView> DeliverAsync(string vin, DeliveryRequest request) =>
        Contract<VehicleView>(await Api.DeliverVehicleAsync(vin, null, null, Generated<Client.DeliveryRequest>(request)));

    public async Task<VehicleView> RecordOdometerAsync(string vin, OdometerRequest request) =>
        Contract<VehicleView>(await Api.RecordOdometerAsync(vin, null, null, Generated<Client.OdometerRequest>(request)));

    public async Task<VehicleView> TransferOwnershipAsync(string vin, OwnershipRequest request) =>
        Contract<VehicleView>(await Api.TransferOwnershipAsync(vin, null, null, Generated<Client.OwnershipRequest>(request)));

    public async Task<VehicleView> EndLifeAsync(string vin, LifecycleRequest request) =>
        Contract<VehicleView>(await Api.EndVehicleLifeAsync(vin, null, null, Generated<Client.LifecycleRequest>(request)));

    public async Task<RepairRecordView> AppendVisitAsync(string vin, VisitRequest request) =>
        Contract<RepairRecordView>(await Api.AppendVisitAsync(vin, null, null, Generated<Client.VisitRequest>(request)));

    public async Task<VehicleView> GetVehicleAsync(string vin) =>
        Contract<VehicleView>(await Api.GetVehicleAsync(vin, null));

    public async Task<WarrantyView> GetWarrantyAsync(string vin, DateOnly? asOf = null, int? mileageKm = null) =>
        Contract<WarrantyView>(await Api.GetWarrantyAsync(vin, asOf, mileageKm));

    public async Task<IReadOnlyList<RepairRecordView>> GetHistoryAsync(string vin) =>
        Contract<RepairHistoryPage>(await Api.GetRepairHistoryAsync(vin, 500, null)).Items;

    /// <summary>A request of the server's shape as the generated client's type (same JSON).</summary>
    public static T Generated<T>(object request) => Convert<T>(request);

    /// <summary>A reply read by the generated client as the grain contract's type (same JSON).</summary>
    public static T Contract<T>(object reply) => Convert<T>(reply);

    private static T Convert<T>(object value) =>
        JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, value.GetType(), Json), Json) ?? throw new InvalidOperationException($"{value} as {typeof(T).Name}");

    /// <summary>The body of a successful GET exactly as sent, for byte-for-byte comparisons.</summary>
    public async Task<string> GetBodyAsync(string path)
    {
        using var response = await GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} → {(int)response.StatusCode}: {body}");
        return body;
    }

    // ---- scenarios ----

    /// <summary>A battery-electric vehicle, produced well before the deliveries the tests use.</summary>
    public RegisterVehicleRequest Registration(string vin, Powertrain powertrain = Powertrain.Bev) =>
        new(vin, "EV5", "B2025-11", Today.AddDays(-400), powertrain, 250_000m);

    public static DeliveryRequest Delivery(DateOnly invoiceDate, DateOnly deliveryDate, int odometerKm = 8) =>
        new("Li Lei", "13800000000", "DLR-021", invoiceDate, deliveryDate, odometerKm, null);

    /// <summary>Registers a fresh vehicle and delivers it on <paramref name="deliveryDate"/> (invoiced the same day).</summary>
    public async Task<string> DeliveredVehicleAsync(DateOnly deliveryDate, Powertrain powertrain = Powertrain.Bev)
    {
        var vin = TestVins.Next();
        await RegisterAsync(Registration(vin, powertrain));
        await DeliverAsync(vin, Delivery(deliveryDate, deliveryDate));
        return vin;
    }

    /// <summary>A visit with everything a test does not care about filled in.</summary>
    public static VisitRequest Visit(
        string visitId,
        DateTimeOffset agreedAt,
        DateTimeOffset? completedAt,
        int mileageKm,
        VisitKind kind = VisitKind.Repair,
        string? faultCode = "P0A80",
        VehicleSystem system = VehicleSystem.Electrical,
        WorkGrade workGrade = WorkGrade.Minor,
        bool warranty = true,
        string stationCode = "ST-BJ-001",
        string? workDone = "Replaced connector") =>
        new(visitId, stationCode, kind, agreedAt, completedAt, mileageKm, kind == VisitKind.Repair ? faultCode : null, system, workGrade,
            warranty, false, null, false, SafetyDefect.None, null, workDone, [new PartUsed("CN-2291", 1)], "Zhang Wei", null, null);

    // ---- reading replies ----

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}, expected {(int)expected}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException($"Empty body: {body}");
    }

    /// <summary>Asserts an RFC 9457 problem with <paramref name="expected"/> status and returns it.</summary>
    public static async Task<Problem> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}, expected {(int)expected}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal((int)expected, root.GetProperty("status").GetInt32());
        var errors = new Dictionary<string, string[]>();
        if (root.TryGetProperty("errors", out var map))
        {
            foreach (var field in map.EnumerateObject())
            {
                errors[field.Name] = [.. field.Value.EnumerateArray().Select(e => e.GetString() ?? "")];
            }
        }

        var detail = root.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        Assert.False(string.IsNullOrWhiteSpace(detail), $"The problem has no detail a person can act on: {body}");
        var code = root.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
        Assert.False(string.IsNullOrEmpty(code), $"The problem has no code a program can branch on: {body}");
        return new Problem((int)expected, root.GetProperty("title").GetString() ?? "", detail, errors, body, code);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent content, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        }

        return await http.SendAsync(request);
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>A problem detail as the API sent it; <see cref="Errors"/> is the validation map (empty when absent).</summary>
public sealed record Problem(int Status, string Title, string Detail, IReadOnlyDictionary<string, string[]> Errors, string Body, string Code)
{
    /// <summary>The <c>code</c> of a problem body (empty when it has none).</summary>
    public static string CodeOf(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("code", out var code) ? code.GetString() ?? "" : "";
    }
}
