using System.Diagnostics;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Deployment;

/// <summary>
/// No Docker engine is available to the tests, so the deployment files are checked offline by
/// <c>scripts/validate-compose.sh</c>: the compose file through <c>docker-compose config -q</c>
/// (installed with apt-get on first use) and the Dockerfiles' COPY sources against the repository.
/// </summary>
public sealed class DockerComposeTests
{
    private const string ScriptRelativePath = "scripts/validate-compose.sh";

    /// <summary>Generous: the first run on a fresh machine installs docker-compose with apt-get.</summary>
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task RepositoryComposeFileAndDockerfilesAreValid()
    {
        var result = await RunValidateScriptAsync();

        if (result.ExitCode != 0)
        {
            Assert.Fail($"{ScriptRelativePath} rejected the repository's deployment files.{Environment.NewLine}{result}");
        }
    }

    [Fact]
    public async Task TheComposeFile_RequiresItsPasswords_AndRunsTheServicesAsTheApplicationsAccount()
    {
        var compose = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docker-compose.yml"));

        // No fallback password: `docker compose up` without them stops with the message.
        Assert.Contains("${POSTGRES_PASSWORD:?", compose, StringComparison.Ordinal);
        Assert.Contains("${APP_DB_PASSWORD:?", compose, StringComparison.Ordinal);
        Assert.DoesNotContain("PASSWORD:-", compose, StringComparison.Ordinal);
        // Silos and the API host as aftersales_app; only the migrate service as the owner.
        Assert.Contains("Username=aftersales_app;", compose, StringComparison.Ordinal);
        Assert.Single(compose.Split('\n'), line => line.Contains("Username=aftersales;", StringComparison.Ordinal));
        Assert.Contains("./deploy/postgres/initdb:/docker-entrypoint-initdb.d:ro", compose, StringComparison.Ordinal);
        // Cluster TLS on for the silos and the API host, with the certificates scripts/make-dev-certs.sh makes.
        Assert.Contains("Cluster__Tls__CertificatePath: /certs/cluster.pfx", compose, StringComparison.Ordinal);
        Assert.Equal(3, compose.Split('\n').Count(line => line.Contains("./deploy/certs:/certs:ro", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("unknown-service-key", "services:\n  web:\n    image: nginx:1.27\n    imagee: nginx:1.27\n")]
    [InlineData("bad-indentation", "services:\n  web:\n    image: nginx:1.27\n   ports:\n      - \"8080:80\"\n")]
    public async Task BrokenComposeFileIsRejected(string caseName, string composeYaml)
    {
        var directory = Directory.CreateTempSubdirectory("validate-compose-");
        try
        {
            var composeFile = Path.Combine(directory.FullName, $"{caseName}.yml");
            await File.WriteAllTextAsync(composeFile, composeYaml);

            var result = await RunValidateScriptAsync(composeFile);

            if (result.ExitCode == 0)
            {
                Assert.Fail($"{ScriptRelativePath} accepted the broken compose file '{caseName}'.{Environment.NewLine}{result}");
            }

            // Rejected for the compose file itself, not for a missing tool or a usage error.
            Assert.True(
                result.StandardError.Contains($"/{caseName}.yml is not a valid compose file", StringComparison.Ordinal),
                $"{ScriptRelativePath} failed on '{caseName}' for another reason than the compose file.{Environment.NewLine}{result}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<ScriptResult> RunValidateScriptAsync(params string[] arguments)
    {
        var root = Repository.Root;
        var startInfo = new ProcessStartInfo("bash")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(Path.Combine(root, ScriptRelativePath));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start bash {ScriptRelativePath}.");

        // Nothing may wait for input (apt-get, sudo): stdin is closed at once.
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
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            var partial = new ScriptResult(-1, await standardOutput, await standardError);
            Assert.Fail($"{ScriptRelativePath} did not finish within {ScriptTimeout}.{Environment.NewLine}{partial}");
        }

        return new ScriptResult(process.ExitCode, await standardOutput, await standardError);
    }

    private sealed record ScriptResult(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() =>
            $"exit code: {ExitCode}{Environment.NewLine}" +
            $"--- stdout ---{Environment.NewLine}{StandardOutput}{Environment.NewLine}" +
            $"--- stderr ---{Environment.NewLine}{StandardError}";
    }
}
