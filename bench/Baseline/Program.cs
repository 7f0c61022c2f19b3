using System.Text.Json;
using System.Text.Json.Serialization;
using AfterSales.Bench.Baseline;
using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connectionString = builder.Configuration.GetConnectionString("Postgres")
    ?? throw new InvalidOperationException("ConnectionStrings:Postgres is missing (environment: ConnectionStrings__Postgres).");
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.AddSingleton<VehicleStore>();
builder.Services.AddSingleton<CatalogueStore>();
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
});

var app = builder.Build();
app.MapGet("/health", () => TypedResults.Ok("ok"));
app.MapGet("/api/vehicles/{vin}/warranty", WarrantyEndpoints.GetWarrantyAsync);
app.MapPost("/api/vehicles/{vin}/odometer", WarrantyEndpoints.RecordOdometerAsync);
app.Run();
