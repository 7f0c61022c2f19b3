using System.Security.Claims;
using System.Threading.RateLimiting;
using AfterSales.Api.Http;
using AfterSales.Interfaces.Common;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace AfterSales.Api.Security;

public static class SecurityExtensions
{
    /// <summary>The most requests to /api a host serves at once (default 1000); beyond it 503 + Retry-After.</summary>
    public const string MaxConcurrentRequestsSetting = "Http:MaxConcurrentRequests";

    public const string RateLimitPolicy = "perCaller";

    /// <summary>JWT bearer authentication, role policies and a token-bucket rate limit per caller.</summary>
    public static WebApplicationBuilder AddAfterSalesSecurity(this WebApplicationBuilder builder)
    {
        var settings = AuthSettings.Load(builder.Configuration);
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", problems));
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer().AddOperatorLogin();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<TimeProvider>((options, time) =>
        {
            options.MapInboundClaims = false;
            options.TimeProvider = time;
            if (!string.IsNullOrWhiteSpace(settings.Authority))
            {
                // Discovery and JWKS from the identity provider; its issuer and keys join the HMAC key's.
                options.Authority = settings.Authority;
            }

            options.TokenValidationParameters = ValidationParameters(settings, time);
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new CachingTokenHandler(time));
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Read, p => p.RequireRole(Roles.All))
            .AddPolicy(Policies.Operate, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Policies.OperatorTools, p => p.AddAuthenticationSchemes(OperatorLogin.ToolsScheme).RequireRole(Roles.Operator))
            .AddPolicy(Policies.ApiDocs, p => p.AddAuthenticationSchemes(OperatorLogin.ToolsScheme).RequireRole(Roles.All))
            .AddPolicy(Policies.StationWork, p => p.RequireRole(Roles.Station, Roles.Operator))
            .AddPolicy(Policies.CustomerRecords, p => p.RequireRole(Roles.CallCentre, Roles.Operator))
            .AddPolicy(Policies.ComplaintIntake, p => p.RequireRole(Roles.CallCentre, Roles.Station, Roles.Operator))
            .AddPolicy(Policies.WarrantyDecisions, p => p.RequireRole(Roles.Warranty, Roles.Operator))
            .AddPolicy(Policies.BuybackRequests, p => p.RequireRole(Roles.CallCentre, Roles.Warranty, Roles.Operator))
            .AddPolicy(Policies.Settlements, p => p.RequireRole(Roles.Station, Roles.Warranty, Roles.Operator))
            .AddPolicy(Policies.PartsWork, p => p.RequireRole(Roles.Parts, Roles.Operator))
            .AddPolicy(Policies.PartsRequests, p => p.RequireRole(Roles.Station, Roles.Parts, Roles.Operator))
            .AddPolicy(Policies.Surveys, p => p.RequireRole(Roles.CallCentre, Roles.Operator));

        var maxConcurrent = builder.Configuration.GetValue(MaxConcurrentRequestsSetting, 1000);
        if (maxConcurrent < 1)
        {
            throw new InvalidOperationException($"{MaxConcurrentRequestsSetting} must be at least 1; it is {maxConcurrent}.");
        }

        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // A cap on the requests in flight on this host, whoever sends them: beyond it a request is turned away at
            // once (503 + Retry-After) rather than queued behind work the cluster cannot finish. Health stays open.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/api")
                    ? RateLimitPartition.GetConcurrencyLimiter("api", _ => new ConcurrencyLimiterOptions { PermitLimit = maxConcurrent, QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("open"));
            options.AddPolicy(RateLimitPolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                CallerKey(context),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.PermitsPerSecond * 2,
                    TokensPerPeriod = settings.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                // The per-caller token bucket says when to retry; the global concurrency limiter does not.
                if (!context.Lease.TryGetMetadata(MetadataName.RetryAfter, out _))
                {
                    await Problems.Of(ProblemCodes.ServerBusy, $"This host is serving its limit of {maxConcurrent} concurrent requests; retry shortly.")
                        .ExecuteAsync(context.HttpContext);
                    return;
                }

                await Problems.Of(ProblemCodes.RateLimited, $"More than {settings.PermitsPerSecond} requests per second from this caller; slow down and retry.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>
    /// What a bearer token must satisfy: this issuer and audience, an HMAC-SHA256 signature by the configured key,
    /// and a lifetime (an expiry is required; a not-before, if any, no later than it) that includes now on
    /// <paramref name="time"/>, the host's clock, give or take 30 seconds of skew.
    /// </summary>
    public static TokenValidationParameters ValidationParameters(AuthSettings settings, TimeProvider time)
    {
        var skew = TimeSpan.FromSeconds(30);
        return new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(settings.KeyBytes),
            ValidAlgorithms = string.IsNullOrWhiteSpace(settings.Authority)
                ? [SecurityAlgorithms.HmacSha256]
                : [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            RoleClaimType = "role",
            NameClaimType = "sub",
            ClockSkew = skew,
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, token, _) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                if (expires is not { } end || now >= end + skew || (notBefore is { } start && (start > end || start - skew > now)))
                {
                    return false;
                }

                // A token may not live longer than the policy allows, from its not-before, else its issue time, else now.
                var issued = token is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken { IssuedAt: var iat } && iat != DateTime.MinValue ? iat : (DateTime?)null;
                // A start in the future (a token issued "later") would shorten the measured lifetime: count from now then.
                var from = notBefore ?? issued ?? now;
                return end - (from > now ? now : from) <= settings.MaxTokenLifetime;
            },
        };
    }

    /// <summary>
    /// The caller a rate limit applies to: the token's subject, and for a station caller also its station (one
    /// subject acting for two stations, say a shared integration account, is two callers).
    /// </summary>
    private static string CallerKey(HttpContext context) =>
        context.User.Identity?.Name is { } subject
            ? context.User.FindFirstValue(Roles.StationClaim) is { } station ? $"{subject}@{station}" : subject
            : context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";

    public static WebApplication UseAfterSalesSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseMiddleware<StationStatusCheck>();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>True when the caller may act for <paramref name="stationCode"/>: any non-station role, or that very station.</summary>
    public static bool MayActFor(this ClaimsPrincipal user, string stationCode) =>
        !user.IsInRole(Roles.Station) || string.Equals(user.FindFirstValue(Roles.StationClaim), stationCode, StringComparison.OrdinalIgnoreCase);

    /// <summary>A station caller may use this route only for the station in its <c>{code}</c> route value.</summary>
    public static TBuilder RequireOwnStation<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Hosting.OwnStationOnly()).AddEndpointFilter(async (context, next) =>
        {
            var code = context.HttpContext.Request.RouteValues["code"] as string ?? "";
            return context.HttpContext.User.MayActFor(code) ? await next(context) : ForbiddenForStation(code);
        });

    /// <summary>A read of one station's entity: the outcome as HTTP, or a 403 when a station caller reads another station's.</summary>
    public static IResult ToHttpForOwnStation<T>(this Outcome<T> outcome, ClaimsPrincipal user, Func<T, string> stationOf) =>
        outcome.Value is { } found && !user.MayActFor(stationOf(found)) ? ForbiddenForStation(stationOf(found)) : outcome.ToHttp();

    /// <summary>403 problem detail for a station acting for another station.</summary>
    public static IResult ForbiddenForStation(string stationCode) =>
        Forbidden(ProblemCodes.ForbiddenStation, $"A station caller may act only for its own station, not for {stationCode}.");

    /// <summary>403 problem detail: the caller may use the route but not for this (another station's, say).</summary>
    public static IResult Forbidden(string code, string detail) => Problems.Of(code, detail);

    /// <summary>Who acted, for histories: <c>station:{code}</c>, else <c>{role}:{subject}</c>.</summary>
    public static string Actor(this ClaimsPrincipal user)
    {
        var role = user.FindFirstValue("role") ?? "unknown";
        return role == Roles.Station ? $"station:{user.FindFirstValue(Roles.StationClaim)}" : $"{role}:{user.FindFirstValue("sub")}";
    }
}
