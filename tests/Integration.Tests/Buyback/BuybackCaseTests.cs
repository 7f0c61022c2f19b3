using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Api.Apis;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Vehicles;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Integration.Tests.Buyback;

/// <summary>The buyback tests move the business clock across weeks (the Art. 28 deadlines): a cluster of their own.</summary>
[CollectionDefinition(Name)]
public sealed class BuybackCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "buyback";
}

/// <summary>
/// Replace/refund cases (退换车, issue 17 item 5) end to end through the API: the entitlement behind the request
/// (a 409 listing what is missing), the Art. 28 deadlines on the working-day calendar, evaluation and a separate
/// approval (seed 001 §5.2.5), completion as a refund (Art. 27) or a replacement (Art. 29), the old vehicle's
/// lifecycle, and the clocks recording a breach when a deadline passes (fake business clock).
/// </summary>
[Collection(BuybackCollection.Name)]
public sealed class BuybackCaseTests(ClusterFixture fixture)
{
    /// <summary>
    /// Test data in the shape the State Council publishes (not the official notice): a Friday public holiday in June
    /// and a make-up working Sunday after it, and a week-long October holiday with make-up days either side.
    /// </summary>
    private static readonly DateOnly[] Holidays =
    [
        new(2026, 6, 19), new(2026, 10, 1), new(2026, 10, 2), new(2026, 10, 5), new(2026, 10, 6), new(2026, 10, 7),
    ];

    private static readonly DateOnly[] MakeUpWorkingDays = [new(2026, 6, 28), new(2026, 9, 20), new(2026, 10, 10)];

    private readonly VehicleClient _operator = new(fixture.Http, fixture.Clock);

    private HttpClient CallCentre => fixture.Api.CreateClient(Roles.CallCentre);

    /// <summary>A warranty-department caller with a name of its own (evaluation and approval are by different people).</summary>
    private HttpClient Warranty(string name)
    {
        var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.Token(Roles.Warranty, subject: name));
        return client;
    }

    [Fact]
    public async Task Refund_UnderArt24_4_FromRequestToRefund_WithTheArt28DeadlinesAndEveryStepKept()
    {
        await LoadCalendarAsync();
        var vin = await EntitledVehicleAsync();
        var warranty = await _operator.GetWarrantyAsync(vin);
        var compensation = Assert.Single(warranty.Entitlements, e => e.Article == "Art. 24(4)").UsageCompensation;
        Assert.True(compensation > 0); // Art. 27: an Art. 24 remedy owes usage compensation

        var today = _operator.Today;
        using var opened = await CallCentre.PostAsJsonAsync($"/api/vehicles/{vin}/buyback-cases", new { request = "refund", article = "art. 24(4)", note = "Owner asks for a refund by phone" });
        var created = await BodyAsync(opened, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal($"/api/buyback-cases/{id}", opened.Headers.Location?.OriginalString);
        Assert.Equal("opened", created.GetProperty("state").GetString());
        Assert.Equal("Art. 24(4)", created.GetProperty("article").GetString());
        Assert.Equal(Date(NthWorkingDayAfter(today, 10)), created.GetProperty("answerBy").GetString());
        Assert.Equal(Date(NthWorkingDayAfter(today, 20)), created.GetProperty("completeBy").GetString());
        Assert.Equal(["evaluate", "reject"], Strings(created.GetProperty("allowedActions")));
        Assert.Equal(id, (await _operator.GetVehicleAsync(vin)).OpenBuybackCase);

        var evaluator = Warranty("engineer-zhao");
        await StepAsync(evaluator, id, "evaluate", new { note = "Five repairs of B1A2C confirmed on the archive; fault reproduced." }, HttpStatusCode.OK);
        var sameHand = await StepAsync(evaluator, id, "approve", new { }, HttpStatusCode.Conflict);
        Assert.Contains("someone else", sameHand.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var approved = await StepAsync(Warranty("manager-qian"), id, "approve", new { note = "Approved" }, HttpStatusCode.OK);
        Assert.Equal(Date(today), approved.GetProperty("answeredOn").GetString());

        var done = await StepAsync(evaluator, id, "complete", new { }, HttpStatusCode.OK);
        Assert.Equal("completed", done.GetProperty("state").GetString());
        var completion = done.GetProperty("completion");
        Assert.Equal(250_000m, completion.GetProperty("invoicePrice").GetDecimal());
        Assert.Equal(compensation, completion.GetProperty("usageCompensation").GetDecimal());
        Assert.Equal(250_000m - compensation, completion.GetProperty("refundAmount").GetDecimal());
        Assert.False(completion.TryGetProperty("replacementVin", out _)); // null values are left out of replies
        Assert.Equal(
            [("evaluate", "warranty:engineer-zhao"), ("approve", "warranty:manager-qian"), ("complete", "warranty:engineer-zhao")],
            done.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("action").GetString(), s.GetProperty("by").GetString())));
        Assert.Empty(done.GetProperty("breaches").EnumerateArray());

        var vehicle = await _operator.GetVehicleAsync(vin);
        Assert.Equal((VehicleLifecycle.Refunded, (DateOnly?)today, (string?)null), (vehicle.State, vehicle.EndedOn, vehicle.OpenBuybackCase));

        // Closed: no step is allowed any more, and the 409 says so.
        var again = await StepAsync(evaluator, id, "complete", new { }, HttpStatusCode.Conflict);
        Assert.Contains("completed", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replacement_DeliversTheNewVehicleToTheOwner_AndItsPeriodsRestart_Art29()
    {
        await LoadCalendarAsync();
        var vin = await EntitledVehicleAsync();
        var replacementVin = TestVins.Next();
        await _operator.RegisterAsync(_operator.Registration(replacementVin));
        var id = await OpenAsync(vin, "replace", "Art. 24(4)");
        await StepAsync(Warranty("engineer-sun"), id, "evaluate", new { note = "Confirmed" }, HttpStatusCode.OK);
        await StepAsync(Warranty("manager-li"), id, "approve", new { }, HttpStatusCode.OK);

        var missing = await StepAsync(Warranty("engineer-sun"), id, "complete", new { }, HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("replacementVin", out _));
        var unregistered = await StepAsync(Warranty("engineer-sun"), id, "complete", new { replacementVin = TestVins.Next() }, HttpStatusCode.BadRequest);
        Assert.Contains("not registered", unregistered.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var done = await StepAsync(Warranty("engineer-sun"), id, "complete", new { replacementVin }, HttpStatusCode.OK);
        Assert.Equal(replacementVin, done.GetProperty("completion").GetProperty("replacementVin").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("completion").GetProperty("refundAmount").ValueKind);

        var today = _operator.Today;
        var old = await _operator.GetVehicleAsync(vin);
        Assert.Equal((VehicleLifecycle.Replaced, (string?)replacementVin), (old.State, old.ReplacedByVin));
        var replacement = await _operator.GetVehicleAsync(replacementVin);
        Assert.Equal(VehicleLifecycle.Delivered, replacement.State);
        Assert.Equal((vin, old.Owner!.Name, old.Owner.Phone), (replacement.ReplacesVin, replacement.Owner!.Name, replacement.Owner.Phone));
        Assert.Equal(today, replacement.CoverageStart);
        var sanbao = Assert.Single((await _operator.GetWarrantyAsync(replacementVin)).Coverages, c => c.Name == "sanbao");
        var deliveredToday = await _operator.DeliveredVehicleAsync(today);
        Assert.Equal(CoverageState.Active, sanbao.State);
        Assert.Equal(Assert.Single((await _operator.GetWarrantyAsync(deliveredToday)).Coverages, c => c.Name == "sanbao").EndsOn, sanbao.EndsOn);
        Assert.Empty((await _operator.GetWarrantyAsync(replacementVin)).Entitlements);
    }

    [Fact]
    public async Task Open_WithNoEntitlementBehindIt_Is409ListingTheMissingConditions_AndChangesNothing()
    {
        await LoadCalendarAsync();
        var vin = await _operator.DeliveredVehicleAsync(_operator.Today.AddDays(-60));
        await RepairAsync(vin, "wo-nope-1", _operator.Today.AddDays(-50));
        await RepairAsync(vin, "wo-nope-2", _operator.Today.AddDays(-30));

        using var response = await CallCentre.PostAsJsonAsync($"/api/vehicles/{vin}/buyback-cases", new { request = "refund", article = "Art. 24(4)" });
        var problem = await BodyAsync(response, HttpStatusCode.Conflict);
        var missing = Strings(problem.GetProperty("missingConditions"));
        var condition = Assert.Single(missing);
        Assert.Contains("more than 30 repair days", condition, StringComparison.Ordinal);
        Assert.Contains("(most for one problem: 2)", condition, StringComparison.Ordinal);
        Assert.Null((await _operator.GetVehicleAsync(vin)).OpenBuybackCase);

        // Art. 22 and the lifecycle: a vehicle not delivered lacks both.
        var produced = TestVins.Next();
        await _operator.RegisterAsync(_operator.Registration(produced));
        using var notDelivered = await CallCentre.PostAsJsonAsync($"/api/vehicles/{produced}/buyback-cases", new { request = "replace", article = "Art. 22" });
        var both = Strings((await BodyAsync(notDelivered, HttpStatusCode.Conflict)).GetProperty("missingConditions"));
        Assert.Equal(2, both.Count);
        Assert.Contains(both, c => c.Contains("delivered and in service", StringComparison.Ordinal));
        Assert.Contains(both, c => c.Contains("within 7 days", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"request\":\"refund\",\"article\":\"Art. 20\"}", "article")] // Art. 20 gives a unit, not a replacement or refund
    [InlineData("{\"request\":\"refund\",\"article\":\"Art. 24(5)\"}", "article")]
    [InlineData("{\"request\":\"lease\",\"article\":\"Art. 24(4)\"}", "request")]
    [InlineData("{\"article\":\"Art. 24(4)\"}", "request")]
    [InlineData("{\"request\":\"refund\"}", "article")]
    public async Task Open_BadInput_Is400NamingTheField(string body, string field)
    {
        await LoadCalendarAsync();
        var vin = await _operator.DeliveredVehicleAsync(_operator.Today.AddDays(-20));
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await CallCentre.PostAsync($"/api/vehicles/{vin}/buyback-cases", content);
        var problem = await BodyAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Null((await _operator.GetVehicleAsync(vin)).OpenBuybackCase);
    }

    [Fact]
    public async Task OneCaseAtATime_ARetryWithTheSameKeyIsTheSameCase_AndARejectionFreesTheVehicle()
    {
        await LoadCalendarAsync();
        var vin = await EntitledVehicleAsync();
        var first = await OpenAsync(vin, "refund", "Art. 24(4)", key: "owner-call-1");
        Assert.Equal(first, await OpenAsync(vin, "refund", "Art. 24(4)", key: "owner-call-1", expected: HttpStatusCode.Created));

        using var second = await CallCentre.PostAsJsonAsync($"/api/vehicles/{vin}/buyback-cases", new { request = "replace", article = "Art. 24(4)" });
        Assert.Contains(first, (await BodyAsync(second, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The plain lifecycle route may not end a vehicle a case holds.
        using var ended = await _operator.PostLifecycleAsync(vin, new LifecycleRequest(VehicleLifecycle.Scrapped, _operator.Today, null, null, null));
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);

        var noNote = await StepAsync(Warranty("engineer-zhou"), first, "reject", new { }, HttpStatusCode.BadRequest);
        Assert.True(noNote.GetProperty("errors").TryGetProperty("note", out _));
        var rejected = await StepAsync(Warranty("engineer-zhou"), first, "reject", new { note = "The owner withdrew the request" }, HttpStatusCode.OK);
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        Assert.Empty(rejected.GetProperty("allowedActions").EnumerateArray());
        Assert.Null((await _operator.GetVehicleAsync(vin)).OpenBuybackCase); // delivered before the reply (the outbox is flushed first)

        var next = await OpenAsync(vin, "replace", "Art. 24(4)");
        Assert.NotEqual(first, next);
    }

    [Fact]
    public async Task TwoRequestsAtOnceForOneVehicle_OpenOneCase()
    {
        // Two desks, no Idempotency-Key: the vehicle holds the first case while it is being opened, so the second is refused.
        await LoadCalendarAsync();
        var vin = await EntitledVehicleAsync();
        using var first = CallCentre;
        using var second = CallCentre;

        var replies = await Task.WhenAll(
            first.PostAsJsonAsync($"/api/vehicles/{vin}/buyback-cases", new { request = "refund", article = "Art. 24(4)" }),
            second.PostAsJsonAsync($"/api/vehicles/{vin}/buyback-cases", new { request = "replace", article = "Art. 24(4)" }));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], replies.Select(r => r.StatusCode).Order());
        var opened = await BodyAsync(replies.Single(r => r.StatusCode == HttpStatusCode.Created), HttpStatusCode.Created);
        Assert.Equal(opened.GetProperty("id").GetString(), (await _operator.GetVehicleAsync(vin)).OpenBuybackCase);
        foreach (var reply in replies)
        {
            reply.Dispose();
        }
    }

    [Fact]
    public async Task AnswerClock_MetOnItsLastWorkingDay_BreachedTheNextDay_RecordedByTheCaseItself()
    {
        await LoadCalendarAsync();
        var vin = await EntitledVehicleAsync();
        var id = await OpenAsync(vin, "refund", "Art. 24(4)");
        var opened = await GetCaseAsync(id);
        var answerBy = DateOnly.Parse(opened.GetProperty("answerBy").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var passesAt = new DateTimeOffset(answerBy.AddDays(1).ToDateTime(TimeOnly.MinValue), VehicleClient.BusinessOffset);

        fixture.Clock.Advance(passesAt - fixture.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Empty((await GetCaseAsync(id)).GetProperty("breaches").EnumerateArray());
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));

        // Nobody reads the case: its own timer records the breach when the deadline passes.
        await fixture.Logs.WaitForAsync(
            e => e.EventId == Grains.Buyback.BuybackCaseGrain.BreachEventId && e.Message.StartsWith($"Buyback case {id}:", StringComparison.Ordinal),
            1, TimeSpan.FromSeconds(30), $"the answer breach of {id}");
        var breached = await GetCaseAsync(id);
        var breach = Assert.Single(breached.GetProperty("breaches").EnumerateArray());
        Assert.Equal(("answer", Date(answerBy)), (breach.GetProperty("clock").GetString(), breach.GetProperty("dueBy").GetString()));
        Assert.True(breach.GetProperty("recordedAt").GetDateTimeOffset() >= passesAt);

        // A late answer is still taken; the breach stays, and the completion clock runs on.
        await StepAsync(Warranty("engineer-wu"), id, "evaluate", new { note = "Late, but confirmed" }, HttpStatusCode.OK);
        var approved = await StepAsync(Warranty("manager-zheng"), id, "approve", new { }, HttpStatusCode.OK);
        Assert.Equal(["answer"], approved.GetProperty("breaches").EnumerateArray().Select(b => b.GetProperty("clock").GetString()));
        Assert.Equal(["complete"], Strings(approved.GetProperty("allowedActions")));
    }

    [Theory]
    [InlineData(Roles.Station, "open", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Reader, "open", HttpStatusCode.Forbidden)]
    [InlineData(Roles.CallCentre, "evaluate", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Parts, "get", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Warranty, "calendar", HttpStatusCode.Forbidden)]
    [InlineData(Roles.CallCentre, "get", HttpStatusCode.NotFound)]
    public async Task Roles_OnlyTheCallCentreWarrantyAndOperatorsOpenAndRead_OnlyWarrantyAndOperatorsDecide(string role, string route, HttpStatusCode expected)
    {
        using var client = fixture.Api.CreateClient(role, role == Roles.Station ? "ST-BB-001" : null);
        const string unknownCase = "BB00000000000000000000";
        using var response = route switch
        {
            "open" => await client.PostAsJsonAsync($"/api/vehicles/{TestVins.Next()}/buyback-cases", new { request = "refund", article = "Art. 24(4)" }),
            "evaluate" => await client.PostAsJsonAsync($"/api/buyback-cases/{unknownCase}/evaluate", new { note = "x" }),
            "calendar" => await client.PutAsJsonAsync("/api/calendar/2026", new { holidays = Array.Empty<string>(), makeUpWorkingDays = Array.Empty<string>() }),
            _ => await client.GetAsync($"/api/buyback-cases/{unknownCase}"),
        };
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Calendar_AYearWithImpossibleDays_Is400NamingThem_AndTheLoadedYearIsReadBack()
    {
        using var bad = await fixture.Http.PutAsJsonAsync("/api/calendar/2026", new { holidays = new[] { "2026-06-19", "2027-01-01" }, makeUpWorkingDays = new[] { "2026-06-22" } });
        var problem = await BodyAsync(bad, HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("2027-01-01 is not in 2026", detail, StringComparison.Ordinal);
        Assert.Contains("2026-06-22 is a Monday", detail, StringComparison.Ordinal);

        await LoadCalendarAsync();
        using var read = await fixture.Http.GetAsync("/api/calendar/2026");
        var year = await BodyAsync(read, HttpStatusCode.OK);
        Assert.Equal(Holidays.Where(d => d.Year == 2026).Select(Date), Strings(year.GetProperty("holidays")));
        Assert.Equal(MakeUpWorkingDays.Select(Date), Strings(year.GetProperty("makeUpWorkingDays")));
    }

    // ---- helpers ----

    private async Task LoadCalendarAsync()
    {
        foreach (var year in new[] { 2026, 2027 })
        {
            using var response = await fixture.Http.PutAsJsonAsync($"/api/calendar/{year}", new
            {
                holidays = Holidays.Where(d => d.Year == year).Select(Date),
                makeUpWorkingDays = MakeUpWorkingDays.Where(d => d.Year == year).Select(Date),
            });
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>The oracle for the deadlines, written apart from the product's calendar: the n-th working day after <paramref name="start"/>.</summary>
    private static DateOnly NthWorkingDayAfter(DateOnly start, int n)
    {
        var day = start;
        while (n > 0)
        {
            day = day.AddDays(1);
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (MakeUpWorkingDays.Contains(day) || (!weekend && !Holidays.Contains(day)))
            {
                n--;
            }
        }

        return day;
    }

    /// <summary>A vehicle delivered 100 days ago whose fault B1A2C was repaired five times under warranty: Art. 24(4) granted.</summary>
    private async Task<string> EntitledVehicleAsync()
    {
        var deliveredOn = _operator.Today.AddDays(-100);
        var vin = await _operator.DeliveredVehicleAsync(deliveredOn);
        for (var i = 0; i < 5; i++)
        {
            await RepairAsync(vin, $"wo-bb-{vin[^6..]}-{i}", deliveredOn.AddDays(10 + (i * 12)), 500 + (i * 300));
        }

        Assert.Contains((await _operator.GetWarrantyAsync(vin)).Entitlements, e => e is { Article: "Art. 24(4)", Status: EntitlementStatus.Granted });
        return vin;
    }

    private Task<RepairRecordView> RepairAsync(string vin, string visitId, DateOnly day, int mileageKm = 900)
    {
        var agreed = VehicleClient.At(day, 9);
        return _operator.AppendVisitAsync(vin, VehicleClient.Visit(visitId, agreed, agreed.AddHours(3), mileageKm, faultCode: "B1A2C"));
    }

    private async Task<string> OpenAsync(string vin, string request, string article, string? key = null, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/vehicles/{vin}/buyback-cases") { Content = JsonContent.Create(new { request, article }) };
        if (key is not null)
        {
            message.Headers.Add(VehicleClient.IdempotencyKeyHeader, key);
        }

        using var client = CallCentre;
        using var response = await client.SendAsync(message);
        return (await BodyAsync(response, expected)).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> GetCaseAsync(string id)
    {
        using var response = await fixture.Http.GetAsync($"/api/buyback-cases/{id}");
        return await BodyAsync(response, HttpStatusCode.OK);
    }

    private static async Task<JsonElement> StepAsync(HttpClient client, string id, string step, object body, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync($"/api/buyback-cases/{id}/{step}", body);
        return await BodyAsync(response, expected);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}, expected {(int)expected}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static string Date(DateOnly date) => VehicleClient.Date(date);
}
