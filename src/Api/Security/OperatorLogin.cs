using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AfterSales.Api.Security;

/// <summary>
/// A browser sign-in for the operator tools (the dashboard, the API docs): outside Development they need the operator
/// role, and a browser sends no bearer token. At <c>/operator/login</c> an operator pastes a token (the identity
/// provider's, or a development one); it is validated exactly as a bearer token is, and an operator's becomes a
/// cookie (HttpOnly, SameSite=Strict, no longer than the token or 8 h). The cookie opens only the operator tools, never
/// <c>/api</c>, so a page elsewhere cannot use it to act.
/// </summary>
public static class OperatorLogin
{
    /// <summary>The cookie the sign-in sets.</summary>
    public const string CookieScheme = "OperatorCookie";

    /// <summary>The operator tools' scheme: a bearer token when the request carries one, else the cookie.</summary>
    public const string ToolsScheme = "OperatorTools";

    public const string LoginPath = "/operator/login";
    public const string LogoutPath = "/operator/logout";

    private static readonly TimeSpan LongestSession = TimeSpan.FromHours(8);

    public static AuthenticationBuilder AddOperatorLogin(this AuthenticationBuilder authentication) =>
        authentication
            .AddCookie(CookieScheme, options =>
            {
                options.Cookie.Name = "aftersales-operator";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                // Secure whenever the request is https (it must be, outside a laptop: put the host behind TLS).
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = LoginPath;
                options.AccessDeniedPath = LoginPath;
                options.ExpireTimeSpan = LongestSession;
                options.SlidingExpiration = false;
                options.Events.OnRedirectToLogin = context => Challenge(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => Challenge(context, StatusCodes.Status403Forbidden);
            })
            .AddPolicyScheme(ToolsScheme, "Operator tools", options =>
                options.ForwardDefaultSelector = context => context.Request.Headers.Authorization.Count > 0 ? JwtBearerDefaults.AuthenticationScheme : CookieScheme);

    /// <summary>A browser (it asks for HTML) is sent to the sign-in page; any other caller gets the status, as with a bearer token.</summary>
    private static Task Challenge(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }
        }

        return Task.CompletedTask;
    }

    public static IEndpointRouteBuilder MapOperatorLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet(LoginPath, (string? returnUrl, string? error) => Page(returnUrl, error, StatusCodes.Status200OK)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(LoginPath, (Func<HttpContext, Task<IResult>>)SignInAsync).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        app.MapPost(LogoutPath, (Func<HttpContext, Task<IResult>>)SignOutAsync).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(CookieScheme);
        return Results.Redirect(LoginPath);
    }

    private static async Task<IResult> SignInAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return Page(null, "Sign in with the form.", StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync();
        var returnUrl = form["returnUrl"].ToString();
        var token = form["token"].ToString().Trim();
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token[7..].Trim();
        }

        if (token.Length is 0 or > 16_384)
        {
            return Page(returnUrl, "Paste an operator token.", StatusCodes.Status400BadRequest);
        }

        var (principal, tokenExpiry) = await ValidateAsync(context, token);
        if (principal is null)
        {
            return Page(returnUrl, "That token is not valid (expired, not signed by a trusted key, or for another audience).", StatusCodes.Status401Unauthorized);
        }

        if (!principal.IsInRole(Roles.Operator))
        {
            return Page(returnUrl, "That token is valid but not an operator's: the operator tools are for operators.", StatusCodes.Status403Forbidden);
        }

        var now = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var expires = tokenExpiry < now + LongestSession ? tokenExpiry : now + LongestSession;
        var identity = new ClaimsIdentity(principal.Claims.Where(c => c.Type is "sub" or "role"), CookieScheme, "sub", "role");
        await context.SignInAsync(CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false });
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/dashboard/");
    }

    /// <summary>
    /// The bearer scheme's own check (its token handlers and validation parameters: keys, issuer, audience, the lifetime
    /// cap; the identity provider's issuer and published keys when one is configured), so a token signs in here exactly
    /// when it would be accepted on /api.
    /// </summary>
    private static async Task<(ClaimsPrincipal? Principal, DateTimeOffset Expires)> ValidateAsync(HttpContext context, string token)
    {
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is { } provider)
        {
            var configuration = await provider.GetConfigurationAsync(context.RequestAborted);
            parameters.ValidIssuers = [.. parameters.ValidIssuers ?? [], configuration.Issuer];
            parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], .. configuration.SigningKeys];
        }

        foreach (var handler in options.TokenHandlers)
        {
            var result = await handler.ValidateTokenAsync(token, parameters);
            if (result.IsValid)
            {
                return (new ClaimsPrincipal(result.ClaimsIdentity), new DateTimeOffset(DateTime.SpecifyKind(result.SecurityToken.ValidTo, DateTimeKind.Utc)));
            }
        }

        return (null, default);
    }

    /// <summary>Only a path on this host: never an open redirect.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        // Browsers drop tabs and newlines and read backslashes as slashes: "/\t/evil" would become "//evil".
        && !url.Any(c => char.IsControl(c) || c == '\\');

    private static IResult Page(string? returnUrl, string? error, int status)
    {
        var encoder = HtmlEncoder.Default;
        var message = error is null ? "" : $"<p id=\"error\" role=\"alert\">{encoder.Encode(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>AfterSales.Actors — operator sign-in</title>
            <style>body{font-family:sans-serif;max-width:40rem;margin:3rem auto}textarea{width:100%;height:8rem}#error{color:#b00}</style></head>
            <body><h1>Operator sign-in</h1>
            <p>The dashboard and the API docs are for operators. Paste an operator bearer token (from the identity provider,
            or <code>scripts/dev-token.sh operator</code> in development).</p>
            {{message}}
            <form method="post" action="{{LoginPath}}">
            <input type="hidden" name="returnUrl" value="{{encoder.Encode(IsLocal(returnUrl) ? returnUrl! : "/dashboard/")}}">
            <label for="token">Operator token</label><textarea id="token" name="token" autocomplete="off" required></textarea>
            <p><button id="sign-in" type="submit">Sign in</button></p>
            </form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
