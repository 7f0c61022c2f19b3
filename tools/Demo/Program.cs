using AfterSales.Demo;

// AfterSales.Demo --api URL [--stations N] [--vehicles N] [--work-orders N] [--complaints N] [--depots N] [--seed S]
//   Builds a nationwide demo network through the public API (token in AFTERSALES_TOKEN): stations around 62 real
//   cities in all 31 mainland provinces, vehicles with histories (bulk API), open and completed work orders, a recall
//   with completions, complaints and parts depots. Every create carries an Idempotency-Key derived from the seed, so
//   a second run with the same seed adds nothing. Prints progress every few seconds and the network view at the end.
var options = DemoOptions.Parse(args);
var token = Environment.GetEnvironmentVariable("AFTERSALES_TOKEN");
if (string.IsNullOrWhiteSpace(token))
{
    Console.Error.WriteLine("demo: AFTERSALES_TOKEN is not set: pass an operator token (scripts/dev-token.sh operator).");
    return 2;
}

return await DemoRun.RunAsync(DemoRun.Client(new Uri(options.Api), _ => ValueTask.FromResult(token)), options);
