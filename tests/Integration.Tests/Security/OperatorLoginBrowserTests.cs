using System.Net;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace AfterSales.Integration.Tests.Security;

/// <summary>
/// Issue 18, item 4 — outside Development the dashboard and the API docs are usable from a browser: headless Chromium
/// is sent to the operator sign-in, signs in with an operator's token, and the cookie opens the dashboard (its own JSON
/// calls included) and the docs, but never /api. A reader's token does not sign in; signing out closes the tools.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OperatorLoginBrowserTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnOperatorSignsInFromABrowser_AndTheCookieOpensTheDashboardAndDocs_ButNotTheApi()
    {
        await using var production = new ApiFactory(fixture.ConnectionString, fixture.ClusterId, environment: "Production");
        production.UseKestrel(0);
        production.StartServer();
        var address = production.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var site = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        using var browser = HeadlessChromium();
        var wait = new WebDriverWait(browser, Patience);

        // Not signed in: the dashboard sends the browser to the sign-in page. A reader's token is refused there.
        browser.Navigate().GoToUrl(new Uri(site, "/dashboard/"));
        wait.Until(b => b.Url.Contains("/operator/login", StringComparison.Ordinal));
        SignIn(browser, ApiFactory.Token(Roles.Reader));
        wait.Until(b => b.FindElements(By.Id("error")).Count > 0);
        Assert.Contains("not an operator", browser.FindElement(By.Id("error")).Text, StringComparison.Ordinal);

        // An operator's token: back on the dashboard, whose own JSON calls the cookie authorises.
        SignIn(browser, ApiFactory.Token(Roles.Operator));
        wait.Until(b => new Uri(b.Url).AbsolutePath == "/dashboard/");
        Assert.Equal(200, Status(browser, "/dashboard/version"));
        Assert.Equal(200, Status(browser, "/dashboard/DashboardCounters"));

        browser.Navigate().GoToUrl(new Uri(site, "/scalar/"));
        wait.Until(b => ((IJavaScriptExecutor)b).ExecuteScript("return document.readyState") as string == "complete");
        Assert.DoesNotContain("/operator/login", browser.Url, StringComparison.Ordinal);
        Assert.Equal(200, Status(browser, "/openapi/v1.json"));

        // The cookie is no API credential: a page that calls /api with it gets 401.
        Assert.Equal(401, Status(browser, "/api/system/constant"));
        var cookie = browser.Manage().Cookies.GetCookieNamed("aftersales-operator");
        Assert.NotNull(cookie);
        Assert.True(cookie.IsHttpOnly);
        Assert.Equal("Strict", cookie.SameSite);

        // Signing out closes the tools again.
        ((IJavaScriptExecutor)browser).ExecuteScript(
            "const f = document.createElement('form'); f.method = 'post'; f.action = '/operator/logout'; document.body.appendChild(f); f.submit();");
        wait.Until(b => b.Url.Contains("/operator/login", StringComparison.Ordinal));
        Assert.Equal(401, Status(browser, "/dashboard/version"));

        // A non-browser caller without a token still gets 401, not the sign-in page.
        using var anonymous = new HttpClient { BaseAddress = site };
        using var bare = await anonymous.GetAsync("/dashboard/version");
        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
    }

    private static void SignIn(IWebDriver browser, string token)
    {
        var field = browser.FindElement(By.Id("token"));
        field.Clear();
        // Typing a whole JWT key by key is slow: set it, as a paste would.
        ((IJavaScriptExecutor)browser).ExecuteScript("arguments[0].value = arguments[1];", field, token);
        browser.FindElement(By.Id("sign-in")).Click();
    }

    /// <summary>The status of a same-origin fetch from the page (cookies included, as the dashboard's own calls are).</summary>
    private static long Status(IWebDriver browser, string path) =>
        (long)((IJavaScriptExecutor)browser).ExecuteAsyncScript(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0], { credentials: 'same-origin' }).then(r => done(r.status), () => done(-1));", path)!;

    private static ChromeDriver HeadlessChromium()
    {
        Assert.True(File.Exists("/usr/bin/chromium") && File.Exists("/usr/bin/chromedriver"),
            "Headless Chromium is missing: ./test.sh installs Debian's chromium and chromium-driver (scripts/browser.sh).");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={Directory.CreateTempSubdirectory("chromium-").FullName}");
        var driver = new ChromeDriver(service, options, Patience);
        driver.Manage().Timeouts().AsynchronousJavaScript = Patience;
        return driver;
    }
}
