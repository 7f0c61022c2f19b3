using AfterSales.Demo;

// AfterSales.Demo --api URL [--stations N] [--vehicles N] [--work-orders N] [--complaints N] [--depots N] [--seed S]
//   Builds a nationwide demo network through the public API: stations around 62 real cities in all 31 mainland
//   provinces, vehicles with histories (bulk API), open and completed work orders, recalls with notifications,
//   completions and a closing, complaints of both kinds (the call centre's queue assigned, corrective actions),
//   parts depots with shipments inspected at stations and urgent orders, and surveys. Every call is made as the role
//   that may make it (tokens signed with Auth__SigningKey, which ./run.sh exports; without it every call goes as the
//   operator token in AFTERSALES_TOKEN). Every create carries an Idempotency-Key derived from the seed, so a second
//   run with the same seed adds nothing. Prints progress every few seconds, the counts it produced and the network view.
var options = DemoOptions.Parse(args);
var key = Environment.GetEnvironmentVariable("Auth__SigningKey");
var operatorToken = Environment.GetEnvironmentVariable("AFTERSALES_TOKEN");
Func<string, string?, string> token;
if (!string.IsNullOrWhiteSpace(key))
{
    var (issuer, audience) = (Environment.GetEnvironmentVariable("Auth__Issuer") ?? "aftersales", Environment.GetEnvironmentVariable("Auth__Audience") ?? "aftersales-api");
    token = (role, station) => DemoTokens.Issue(key, issuer, audience, role, station, TimeSpan.FromHours(8));
}
else if (!string.IsNullOrWhiteSpace(operatorToken))
{
    Console.WriteLine("demo: Auth__SigningKey is not set: every call goes as the operator token in AFTERSALES_TOKEN (operators may make every call).");
    token = (_, _) => operatorToken;
}
else
{
    Console.Error.WriteLine("demo: set Auth__SigningKey (the API's development signing key: tokens per role) or AFTERSALES_TOKEN (an operator token: scripts/dev-token.sh operator).");
    return 2;
}

return (await DemoRun.RunAsync(DemoRun.Callers(new Uri(options.Api), token), options)).ExitCode;
