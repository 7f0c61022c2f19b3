using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>
/// The committed document passes the linters integrators run (Redocly's and Spectral's recommended rule sets) and
/// yields a TypeScript client that compiles (scripts/check-openapi.sh; the npm tools are pinned in tools/api-lint).
/// </summary>
[Trait("Category", "Slow")] // left out of ./test.sh --fast: installs the npm tools on first use
public sealed class OpenApiLintTests
{
    [Fact]
    public async Task CommittedDocument_HasNoLintProblems_AndATypeScriptClientCompiles()
    {
        await using var check = ExternalProcess.Start("bash", [Path.Combine(Repository.Root, "scripts", "check-openapi.sh")]);

        var exitCode = await check.WaitForExitAsync(TimeSpan.FromMinutes(5));

        Assert.True(exitCode == 0, check.Output);
        Assert.Contains("[check-openapi] redocly: 0 problems", check.Output, StringComparison.Ordinal);
        Assert.Contains("[check-openapi] PASS", check.Output, StringComparison.Ordinal);
    }
}
