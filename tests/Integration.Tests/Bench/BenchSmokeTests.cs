using System.Diagnostics;

namespace AfterSales.Integration.Tests.Bench;

/// <summary>
/// Runs the benchmark in smoke mode (a few hundred vehicles, one-second wrk runs, no document written) so that
/// bench/run.sh, its loader, baseline and wrk scripts cannot rot. The figures are not asserted: only that every
/// step ran and printed its measurement.
/// </summary>
[Trait("Category", "Slow")] // left out of ./test.sh --fast: builds and runs whole processes for a minute
public sealed class BenchSmokeTests
{
    private const string SolutionFileName = "AfterSales.Actors.sln";

    /// <summary>Generous: the first run on a fresh machine installs wrk with apt-get and builds four projects.</summary>
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(10);

    private static readonly string[] MeasurementLines =
    [
        "RESULT memory ",
        "RESULT constant ",
        "RESULT warranty ",
        "RESULT baseline-warranty ",
        "RESULT vehicle ",
        "RESULT odometer-system ",
        "RESULT odometer-raw ",
        "RESULT cold-warranty ",
        "RESULT nearby ",
        "RATIO warranty GET / constant JSON ceiling",
        "RATIO warranty GET / database-per-request baseline",
        "RATIO durable writes: system / raw Npgsql upserts",
        "RATIO warranty GET p99 / p50",
        "RATIO bytes per grain",
        "RESULT warranty-small c=16 ",
        "RESULT warranty-all c=16 ",
        "RATIO warranty GET with 500 vs 100 active (c=16)",
        "RATIO bulk load: ",
        "RESULT load-cpu ",
        "silo resident set after the warm-up pass: ",
        "cold-read rate (warm-up pass",
        "RESULT growth-station ",
        "RESULT growth-odometer ",
        "RATIO station document, 100 vs 10 settled orders",
        "RATIO odometer writes, 20 vs 2 visits",
        "RESULT growth-batch vehicles_large=500 ",
        "RATIO registrations into a batch of 500 vs a new batch",
        "BENCH DONE",
    ];

    [Theory]
    [InlineData("cohosted")] // the silo serves HTTP (./run.sh)
    [InlineData("api-host")] // the separate API host (./run.sh --api-host)
    public async Task SmokeRun_ExitsZero_AndPrintsEveryMeasurement(string deployment)
    {
        var root = FindRepositoryRoot();
        var doc = Path.Combine(root, "docs", "benchmarks.md");
        var docBefore = File.Exists(doc) ? await File.ReadAllTextAsync(doc) : null;

        var result = await RunAsync(root, "bench/run.sh", "--smoke", "--no-doc", "--deployment", deployment);

        Assert.True(result.ExitCode == 0, $"bench/run.sh --smoke failed.{Environment.NewLine}{result}");
        foreach (var line in MeasurementLines)
        {
            Assert.True(result.StandardOutput.Contains(line, StringComparison.Ordinal), $"the smoke run printed no '{line}' line.{Environment.NewLine}{result}");
        }

        Assert.Contains("CHECK compared=50 equal=50", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(docBefore, File.Exists(doc) ? await File.ReadAllTextAsync(doc) : null);
    }

    private static async Task<ScriptResult> RunAsync(string root, string script, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(Path.Combine(root, script));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The bench starts its own PostgreSQL and processes; it must not inherit the test run's database.
        startInfo.Environment.Remove("ConnectionStrings__Postgres");
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start bash {script}.");
        process.StandardInput.Close();
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();

        using var timeout = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM first: the script's trap stops the silo, the hosts and PostgreSQL it started.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            Assert.Fail($"{script} did not finish within {ScriptTimeout}.{Environment.NewLine}{new ScriptResult(-1, await standardOutput, await standardError)}");
        }

        return new ScriptResult(process.ExitCode, await standardOutput, await standardError);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"{SolutionFileName} was not found in {AppContext.BaseDirectory} or any directory above it.");
    }

    private sealed record ScriptResult(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() =>
            $"exit code: {ExitCode}{Environment.NewLine}" +
            $"--- stdout ---{Environment.NewLine}{StandardOutput}{Environment.NewLine}" +
            $"--- stderr ---{Environment.NewLine}{StandardError}";
    }
}
