using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// The short form of scripts/chaos.sh: three silo processes, SIGKILL twice under a retried write load. The
/// long form (5 minutes) is run on demand and recorded in docs/reliability.md.
/// </summary>
public sealed class ChaosTests
{
    [Fact]
    public async Task SilosKilledUnderLoad_LoseAndDoubleNothing_AndNoGapExceedsThreeSeconds()
    {
        await using var run = ExternalProcess.Start("bash", ["scripts/chaos.sh"]);

        var exitCode = await run.WaitForExitAsync(TimeSpan.FromMinutes(6));

        Assert.True(exitCode == 0, run.Output);
        Assert.Contains("| acknowledged but lost | 0 |", run.Output, StringComparison.Ordinal);
        Assert.Contains("| stored more than once | 0 |", run.Output, StringComparison.Ordinal);
        Assert.Contains("chaos: PASS", run.Output, StringComparison.Ordinal);
    }
}
