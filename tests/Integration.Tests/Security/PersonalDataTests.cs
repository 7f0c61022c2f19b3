using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Grains.Privacy;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Persistence;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Privacy;
using AfterSales.Interfaces.Vehicles;
using AfterSales.Silo.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Security;

/// <summary>
/// Issue 18, item 1 — personal data by need (PIPL): names and phones in full only to the call centre, operators and
/// the station serving the vehicle or complaint, masked for everyone else; every full read recorded in an
/// append-only log an operator queries; previous owners erasable; a masked value never written back.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PersonalDataTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Theory]
    [InlineData(Roles.Reader, null, false)]
    [InlineData(Roles.Warranty, null, false)]
    [InlineData(Roles.Parts, null, false)]
    [InlineData(Roles.Station, "PD-OTHER", false)] // a station with nothing to do with the vehicle
    [InlineData(Roles.Station, "D1", true)] // its selling dealer
    [InlineData(Roles.CallCentre, null, true)]
    [InlineData(Roles.Operator, null, true)]
    public async Task AVehiclesOwner_IsInFullOnlyForThoseWhoServeIt_MaskedForEveryoneElse(string role, string? station, bool full)
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http); // owner Wang Fang, 13900000000, dealer D1
        using var client = fixture.Api.CreateClient(role, station);

        var owner = (await ExpectAsync(HttpStatusCode.OK, GetAsync(client, $"/api/vehicles/{vin}"))).GetProperty("owner");

        Assert.Equal(full ? ("Wang Fang", "13900000000") : ("W*", "139****0000"), (owner.GetProperty("name").GetString(), owner.GetProperty("phone").GetString()));
        var reads = await ReadsAsync($"vin={vin}");
        Assert.Equal(full ? 1 : 0, reads.Count(r => r.GetProperty("actor").GetString()!.StartsWith(role == Roles.Station ? $"station:{station}" : role + ":", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AStationWithALiveWorkOrderForTheVehicle_SeesItsOwner_AndTheReadIsRecordedWithWhoWhenAndRoute()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        var station = await StationAsync(Http, "Privacy" + Token(), -31.5, 140.2);
        using var client = fixture.Api.CreateClient(Roles.Station, station);
        Assert.Equal("W*", (await ExpectAsync(HttpStatusCode.OK, GetAsync(client, $"/api/vehicles/{vin}"))).GetProperty("owner").GetProperty("name").GetString());

        await OpenAsync(Http, station, vin, 900);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        Assert.Equal("Wang Fang", (await ExpectAsync(HttpStatusCode.OK, GetAsync(client, $"/api/vehicles/{vin}"))).GetProperty("owner").GetProperty("name").GetString());

        var read = Assert.Single(await ReadsAsync($"actor=station:{station}"));
        Assert.Equal(("vehicle", vin, $"GET /api/vehicles/{vin}"), (read.GetProperty("subject").GetString(), read.GetProperty("subjectId").GetString(), read.GetProperty("route").GetString()));
        Assert.InRange(read.GetProperty("at").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task AComplaintsCustomer_IsInFullForTheAssignedStationAndTheCallCentre_MaskedForAnotherStationAndAReader()
    {
        var (latitude, longitude) = (-33.7, 150.9);
        var assigned = await StationAsync(Http, "Privacy" + Token(), latitude, longitude);
        var id = (await Complaints.Complaints.RegisterAsync(Http, latitude, longitude)).GetProperty("id").GetString()!;
        Assert.Equal(assigned, (await Complaints.Complaints.CardAsync(Http, id)).GetProperty("stationCode").GetString());

        async Task<(string?, string?)> CustomerAsync(HttpClient client)
        {
            var intake = (await ExpectAsync(HttpStatusCode.OK, GetAsync(client, $"/api/complaints/{id}"))).GetProperty("intake");
            return (intake.GetProperty("customerName").GetString(), intake.GetProperty("customerPhone").GetString());
        }

        using var station = fixture.Api.CreateClient(Roles.Station, assigned);
        using var other = fixture.Api.CreateClient(Roles.Station, "PD-ELSEWHERE");
        using var reader = fixture.Api.CreateClient(Roles.Reader);
        using var desk = fixture.Api.CreateClient(Roles.CallCentre);
        Assert.Equal(("Li Lei", "13800000000"), await CustomerAsync(station));
        Assert.Equal(("Li Lei", "13800000000"), await CustomerAsync(desk));
        Assert.Equal(("L*", "138****0000"), await CustomerAsync(other));
        Assert.Equal(("L*", "138****0000"), await CustomerAsync(reader));

        // Two full reads by others than the operator who registered it (the intake's own reply is no read) and the
        // operator's card read above.
        var actors = (await ReadsAsync($"complaint={id}")).Select(r => r.GetProperty("actor").GetString()).ToList();
        Assert.Contains($"station:{assigned}", actors);
        Assert.Contains(actors, a => a!.StartsWith("callCentre:", StringComparison.Ordinal));
        Assert.DoesNotContain(actors, a => a!.StartsWith("reader:", StringComparison.Ordinal) || a == "station:PD-ELSEWHERE");
    }

    [Theory]
    [InlineData("ownerPhone", "{\"ownerName\":\"Zhao Min\",\"ownerPhone\":\"139****0000\",\"transferDate\":\"2026-05-01\"}")]
    [InlineData("ownerName", "{\"ownerName\":\"W*\",\"ownerPhone\":\"13700000000\",\"transferDate\":\"2026-05-01\"}")]
    public async Task AMaskedValueWrittenBack_Is400NamingTheField_AndNothingChanges(string field, string body)
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        using var desk = fixture.Api.CreateClient(Roles.CallCentre);

        var problem = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(desk, $"/api/vehicles/{vin}/ownership", body));

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var owner = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"))).GetProperty("owner");
        Assert.Equal("Wang Fang", owner.GetProperty("name").GetString());
    }

    [Fact]
    public async Task AComplaintIntakeWithAMaskedPhone_Is400()
    {
        var body = Complaints.Complaints.Body(-35.2, 149.1).Replace("13800000000", "138****0000", StringComparison.Ordinal);
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/complaints", body));
        Assert.True(problem.GetProperty("errors").TryGetProperty("customerPhone", out _), problem.ToString());
    }

    [Fact]
    public async Task ErasingPreviousOwners_RemovesTheirNamesAndPhonesFromTheStoredState_KeepsTheHistory_AndNeedsAReason()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/vehicles/{vin}/visits",
            JsonSerializer.Serialize(new { visitId = "pd-visit-1", stationCode = "D1", kind = "repair", agreedAt = "2026-03-01T09:00:00+08:00", completedAt = "2026-03-01T12:00:00+08:00", mileageKm = 800, faultCode = "P0300", system = "engine", workGrade = "minor", warranty = true, partsUsed = Array.Empty<object>() })));
        foreach (var (name, phone, on) in new[] { ("Zhao Min", "13711112222", "2026-04-01"), ("Qian Lu", "13633334444", "2026-05-01") })
        {
            await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/vehicles/{vin}/ownership", JsonSerializer.Serialize(new { ownerName = name, ownerPhone = phone, transferDate = on })));
        }

        Assert.Contains("13711112222", await StoredStateAsync(vin), StringComparison.Ordinal);
        var noReason = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/vehicles/{vin}/erase-previous-owners", "{}"));
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        using var warranty = fixture.Api.CreateClient(Roles.Warranty);
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(warranty, $"/api/vehicles/{vin}/erase-previous-owners", "{\"reason\":\"x\"}"));

        var erased = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/vehicles/{vin}/erase-previous-owners", "{\"reason\":\"Owner request under PIPL Art. 47\"}"));

        var erasure = Assert.Single(erased.GetProperty("erasures").EnumerateArray());
        Assert.Equal((2, "Owner request under PIPL Art. 47"), (erasure.GetProperty("owners").GetInt32(), erasure.GetProperty("reason").GetString()));
        Assert.Equal(("Qian Lu", 2), (erased.GetProperty("owner").GetProperty("name").GetString(), erased.GetProperty("previousOwners").GetInt32()));
        var stored = await StoredStateAsync(vin);
        foreach (var gone in new[] { "Wang Fang", "13900000000", "Zhao Min", "13711112222" })
        {
            Assert.DoesNotContain(gone, stored, StringComparison.Ordinal);
        }

        var history = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"));
        Assert.Equal(["pd-visit-1"], history.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("visit").GetProperty("visitId").GetString()));

        // Nothing left to erase: the same answer, no second erasure.
        var again = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/vehicles/{vin}/erase-previous-owners", "{\"reason\":\"again\"}"));
        Assert.Single(again.GetProperty("erasures").EnumerateArray());
    }

    [Fact]
    public async Task TheReadLog_IsAppendOnly_AndForOperatorsOnly()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        using var desk = fixture.Api.CreateClient(Roles.CallCentre);
        await ExpectAsync(HttpStatusCode.OK, GetAsync(desk, $"/api/vehicles/{vin}"));
        Assert.NotEmpty(await ReadsAsync($"vin={vin}"));

        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[] { "UPDATE personal_data_reads SET actor = 'nobody' WHERE subject_id = @vin", "DELETE FROM personal_data_reads WHERE subject_id = @vin" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("vin", vin);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(desk, $"/api/personal-data-reads?vin={vin}"));
        await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, "/api/personal-data-reads?limit=0"));
    }

    [Fact]
    public async Task OutsideDevelopment_TheDashboardsGrainStateAndLogStreamAreOff_UnlessConfiguredOn()
    {
        await using var production = new ApiFactory(fixture.ConnectionString, fixture.ClusterId, environment: "Production");
        using var @operator = production.CreateClient(Roles.Operator);
        foreach (var path in new[] { "/dashboard/GrainState?grainType=x&grainId=y", "/dashboard/GrainState/?grainType=x&grainId=y", "/dashboard/Trace", "/dashboard/trace/" })
        {
            using var off = await @operator.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
            Assert.Contains("Dashboard__Inspection", await off.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var counters = await @operator.GetAsync("/dashboard/version");
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);

        await using var enabled = new ApiFactory(fixture.ConnectionString, fixture.ClusterId, environment: "Production",
            settings: new Dictionary<string, string> { ["Dashboard:Inspection"] = "true" });
        using var operatorOn = enabled.CreateClient(Roles.Operator);
        using var grainState = await operatorOn.GetAsync("/dashboard/GrainState?grainType=x&grainId=y");
        Assert.NotEqual(HttpStatusCode.NotFound, grainState.StatusCode);
    }

    [Fact]
    public async Task ReadsRecordedAtOnce_ReachTheLogTogether_AndShareItsCommits()
    {
        // Every operator write's reply is a recorded read: a log grain that awaited each append before taking the next
        // (a stateless worker has as many activations as cores) held every other write in the silo behind it.
        var log = (PostgresPersonalDataLog)fixture.Silo.Services.GetRequiredService<IPersonalDataLog>();
        var grains = fixture.Silo.Services.GetRequiredService<IGrainFactory>();
        var (batches, items) = (log.Appends.Batches, log.Appends.Items);
        Task[] records;
        await using (await PersonalDataLogGroupCommitTests.LockTableAsync(fixture.ConnectionString))
        {
            records = [.. Enumerable.Range(0, 24).Select(i => grains.GetGrain<IPersonalDataLogGrain>(0).RecordAsync(
                new PersonalDataRead(DateTimeOffset.UtcNow, "operator:together", PersonalDataSubject.Vehicle, $"TOGETHER{i}", "GET /api/vehicles/TOGETHER")))];
            // Two batches wait on the locked table (two in flight at most) and the other 22 reads are already queued in the log.
            await Eventually.UntilAsync(() => Task.FromResult(log.Appends.Waiting), waiting => waiting == 22, TimeSpan.FromSeconds(30),
                "the 22 reads behind the two blocked batches to reach the log");
            Assert.All(records, record => Assert.False(record.IsCompleted));
        }

        await Task.WhenAll(records);
        Assert.Equal((3L, 24L), (log.Appends.Batches - batches, log.Appends.Items - items));
        Assert.Equal(24, (await ReadsAsync("actor=operator:together&limit=100")).Count);
    }

    [Fact]
    public async Task AnOperatorsWrite_RecordsTheReadItsReplyMakes_OnceAndAgainOnAReplay_AndARefusedWriteRecordsNothing()
    {
        // The vehicle grain records an operator's read with its own state write (PersonalDataReads): still one row
        // for each reply that shows the owner, none for a reply that shows nothing.
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        using var @operator = fixture.Api.CreateClient(Roles.Operator);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var reading = $$"""{"readingKm":1000,"readAt":"{{fixture.Clock.GetUtcNow():O}}"}""";

        var (status, body) = await PostWithKeyAsync(@operator, $"/api/vehicles/{vin}/odometer", reading, "pd-write-" + vin);
        Assert.Equal((HttpStatusCode.OK, "Wang Fang"), (status, body.GetProperty("owner").GetProperty("name").GetString()));
        var read = Assert.Single(await ReadsAsync($"vin={vin}"));
        Assert.Equal(("vehicle", vin, $"POST /api/vehicles/{vin}/odometer"), (read.GetProperty("subject").GetString(), read.GetProperty("subjectId").GetString(), read.GetProperty("route").GetString()));
        Assert.StartsWith("operator:", read.GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.InRange(read.GetProperty("at").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(5));

        // A retry of the same request answers the owner again: another read.
        Assert.Equal(HttpStatusCode.OK, (await PostWithKeyAsync(@operator, $"/api/vehicles/{vin}/odometer", reading, "pd-write-" + vin)).Status);
        Assert.Equal(2, (await ReadsAsync($"vin={vin}")).Count);

        // Refused (the odometer cannot go back, the key was used for another request): no owner shown, nothing recorded.
        var back = $$"""{"readingKm":900,"readAt":"{{fixture.Clock.GetUtcNow():O}}"}""";
        Assert.Equal(HttpStatusCode.Conflict, (await PostWithKeyAsync(@operator, $"/api/vehicles/{vin}/odometer", back, null)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await PostWithKeyAsync(@operator, $"/api/vehicles/{vin}/odometer", back, "pd-write-" + vin)).Status);
        Assert.Equal(2, (await ReadsAsync($"vin={vin}")).Count);
    }

    [Fact]
    public async Task TheVehicleGrain_RecordsAHandedOverRead_OnlyWhenAddressedToIt_AndSaysSo()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        var cluster = fixture.Api.Services.GetRequiredService<IClusterClient>();
        var vehicle = cluster.GetGrain<IVehicleGrain>(vin);
        var at = new DateTimeOffset(2026, 6, 2, 8, 30, 0, TimeSpan.Zero);
        try
        {
            // Addressed to another vehicle: this one ignores it, and its reply leaves the read to the API.
            AddressedCallContext.Set(PersonalDataReads.RecordWithWriteKey, cluster.GetGrain<IVehicleGrain>(TestVins.Next()).GetGrainId(), PersonalDataReads.Compose(at, "operator:handover", "POST /x")!);
            var ignored = await vehicle.RecordOdometerAsync(new RecordOdometer(100, fixture.Clock.GetUtcNow()), null);
            Assert.Equal((OutcomeStatus.Ok, false), (ignored.Status, ignored.PersonalDataReadRecorded));
            Assert.Empty(await ReadsAsync($"vin={vin}"));

            AddressedCallContext.Set(PersonalDataReads.RecordWithWriteKey, vehicle.GetGrainId(), PersonalDataReads.Compose(at, "operator:handover", "POST /x")!);
            var recorded = await vehicle.RecordOdometerAsync(new RecordOdometer(200, fixture.Clock.GetUtcNow()), null);
            Assert.Equal((OutcomeStatus.Ok, true), (recorded.Status, recorded.PersonalDataReadRecorded));
            var read = Assert.Single(await ReadsAsync($"vin={vin}"));
            Assert.Equal(("operator:handover", "POST /x", at), (read.GetProperty("actor").GetString(), read.GetProperty("route").GetString(), read.GetProperty("at").GetDateTimeOffset()));
        }
        finally
        {
            RequestContext.Remove(PersonalDataReads.RecordWithWriteKey);
        }
    }

    [Fact]
    public async Task AWriteWhoseReadCannotBeRecorded_Is503_AndItsRetryIsAppliedOnceAndRecorded()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        using var @operator = fixture.Api.CreateClient(Roles.Operator);
        var reading = $$"""{"readingKm":1500,"readAt":"{{fixture.Clock.GetUtcNow():O}}"}""";
        var trigger = "refuse_read_" + Token().ToLowerInvariant();
        var vehicle = fixture.Api.Services.GetRequiredService<IClusterClient>().GetGrain<IVehicleGrain>(vin);
        var revision = (await vehicle.GetAsync()).Value!.Revision;
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                $"""
                CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the log refuses (test)'; END $$;
                CREATE TRIGGER {trigger} BEFORE INSERT ON personal_data_reads FOR EACH ROW WHEN (NEW.subject_id = '{vin}') EXECUTE FUNCTION {trigger}();
                """, connection);
            await create.ExecuteNonQueryAsync();
            try
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await PostWithKeyAsync(@operator, $"/api/vehicles/{vin}/odometer", reading, "pd-fail-" + vin)).Status);
            }
            finally
            {
                await using var drop = new NpgsqlCommand($"DROP TRIGGER {trigger} ON personal_data_reads; DROP FUNCTION {trigger}();", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }

        Assert.Empty(await ReadsAsync($"vin={vin}"));
        var (status, body) = await PostWithKeyAsync(@operator, $"/api/vehicles/{vin}/odometer", reading, "pd-fail-" + vin);
        Assert.Equal((HttpStatusCode.OK, 1500), (status, body.GetProperty("odometerKm").GetInt32()));
        Assert.Single(await ReadsAsync($"vin={vin}"));
        Assert.Equal(revision + 1, (await vehicle.GetAsync()).Value!.Revision);
    }

    [Fact]
    public async Task AReplyFromASiloThatDidNotRecordTheRead_IsRecordedByTheApi_AndOneThatDid_IsNotRecordedAgain()
    {
        // A silo of the previous release ignores the hand-over and never sets PersonalDataReadRecorded.
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        var cluster = fixture.Api.Services.GetRequiredService<IClusterClient>();
        var reply = await cluster.GetGrain<IVehicleGrain>(vin).GetAsync();
        Assert.False(reply.PersonalDataReadRecorded);
        var http = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().BuildServiceProvider(),
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("role", Roles.Operator), new Claim("sub", "upgrade")], "test", "sub", "role")),
        };
        http.Request.Method = "POST";
        http.Request.Path = $"/api/vehicles/{vin}/odometer";

        await PersonalData.VehicleReplyAsync(reply, http, cluster, stated: false);
        var read = Assert.Single(await ReadsAsync($"vin={vin}"));
        Assert.Equal("operator:upgrade", read.GetProperty("actor").GetString());

        await PersonalData.VehicleReplyAsync(reply with { PersonalDataReadRecorded = true }, http, cluster, stated: false);
        Assert.Single(await ReadsAsync($"vin={vin}"));
    }

    private async Task<List<JsonElement>> ReadsAsync(string query) =>
        [.. (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/personal-data-reads?{query}"))).GetProperty("items").EnumerateArray()];

    private async Task<string> StoredStateAsync(string vin)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(payload::text, ' ') FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", connection);
        command.Parameters.AddWithValue("vin", vin);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
