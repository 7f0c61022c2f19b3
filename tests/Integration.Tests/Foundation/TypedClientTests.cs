using System.Net;
using AfterSales.Api.Security;
using AfterSales.Client;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>
/// The typed client integrators get (src/Client, generated from docs/openapi.json): typed calls and replies, a
/// branchable problem code, and writes that are safe to retry because every one carries an Idempotency-Key.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TypedClientTests(ClusterFixture fixture)
{
    private static readonly Uri Address = new("http://localhost");

    private static readonly DateOnly Delivered = DateOnly.FromDateTime(ClusterFixture.Start.UtcDateTime).AddDays(-60);

    [Fact]
    public async Task TypedCalls_RoundTrip_AndAProblemIsATypedExceptionWithItsCode()
    {
        var api = Client(fixture.Api.Server.CreateHandler());
        var vin = TestVins.Next();

        await api.RegisterVehicleAsync(null, Registration(vin));
        await api.DeliverVehicleAsync(vin, null, null, new DeliveryRequest
        {
            OwnerName = "Zhao Lei", OwnerPhone = "13700000000", DealerCode = "D7", InvoiceDate = Delivered, DeliveryDate = Delivered, OdometerKm = 10,
        });
        await api.RecordOdometerAsync(vin, null, null, new OdometerRequest { ReadingKm = 5_000, ReadAt = ClusterFixture.Start.AddHours(-3) });
        var backwards = await Assert.ThrowsAsync<AfterSalesApiException<Problem>>(() =>
            api.RecordOdometerAsync(vin, null, null, new OdometerRequest { ReadingKm = 4_000, ReadAt = ClusterFixture.Start.AddHours(-2) }));
        var warranty = await api.GetWarrantyAsync(vin, Delivered.AddDays(30), null);

        Assert.Equal(409, backwards.StatusCode);
        Assert.Equal("odometer-regression", backwards.ProblemCode());
        Assert.Equal("/problems/odometer-regression", backwards.Result.Type);
        Assert.StartsWith("409 odometer-regression: ", backwards.Message, StringComparison.Ordinal);
        Assert.Equal(vin, warranty.Vin);
        Assert.NotNull(warranty.Coverages);
        Assert.NotEmpty(warranty.Coverages);
    }

    [Fact]
    public async Task AWriteWhoseReplyIsLost_IsResentWithTheSameKey_AndAppliedOnce()
    {
        var lossy = new LoseFirstReply { InnerHandler = fixture.Api.Server.CreateHandler() };
        var api = Client(lossy);
        var vin = TestVins.Next();

        // Applied by the first attempt, whose reply never arrives; without the key the resend would be a 409 already-exists.
        var registered = await api.RegisterVehicleAsync(null, Registration(vin));

        Assert.Equal(vin, registered.Vin);
        Assert.Equal(2, lossy.Keys.Count);
        Assert.Single(lossy.Keys.Distinct());
        Assert.False(string.IsNullOrEmpty(lossy.Keys[0]));
    }

    [Fact]
    public async Task A503IsRetried_AndReadsCarryNoIdempotencyKey()
    {
        var busy = new BusyOnce { InnerHandler = fixture.Api.Server.CreateHandler() };
        var api = Client(busy);
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);

        var vehicle = await api.GetVehicleAsync(vin, null);

        Assert.Equal(vin, vehicle.Vin);
        Assert.Equal(2, busy.Attempts);
        Assert.False(busy.SawIdempotencyKey);
    }

    private static AfterSalesApi Client(HttpMessageHandler transport) =>
        AfterSalesClient.Create(Address, _ => ValueTask.FromResult(ApiFactory.Token(Roles.Operator)), transport,
            new AfterSalesClientOptions { FirstDelay = TimeSpan.Zero });

    private static RegisterVehicleRequest Registration(string vin) => new()
    {
        Vin = vin, Model = "EV5", Batch = "B2026-01", ProductionDate = Delivered.AddDays(-90), Powertrain = Powertrain.Bev, Price = 250_000,
    };

    /// <summary>Delivers the first request, then loses its reply as a dropped connection would.</summary>
    private sealed class LoseFirstReply : DelegatingHandler
    {
        public List<string> Keys { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Keys.Add(request.Headers.TryGetValues(IdempotentRetryHandler.HeaderName, out var values) ? values.Single() : "");
            var response = await base.SendAsync(request, cancellationToken);
            if (Keys.Count == 1)
            {
                response.Dispose();
                throw new HttpRequestException("The connection was reset (test).");
            }

            return response;
        }
    }

    /// <summary>Answers the first request 503 with Retry-After, as a host at its limit does.</summary>
    private sealed class BusyOnce : DelegatingHandler
    {
        public int Attempts { get; private set; }

        public bool SawIdempotencyKey { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Attempts++;
            SawIdempotencyKey |= request.Headers.Contains(IdempotentRetryHandler.HeaderName);
            if (Attempts == 1)
            {
                var busy = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
                busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
                return Task.FromResult(busy);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
