using System.Diagnostics;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Deployment;

/// <summary>
/// Issue 19, item 2: the Kustomize manifests under deploy/k8s, rendered with <c>kubectl kustomize</c> and checked
/// against the Kubernetes API schemas offline (<c>scripts/validate-k8s.sh</c>; no cluster here), and the properties
/// operators rely on: the Orleans labels, probes on the process's own endpoint, a grace period longer than the silo's
/// shutdown, a disruption budget, resource requests and a migration Job.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TheManifests_RenderAndMatchTheKubernetesSchemas()
    {
        var (exitCode, output) = await RunAsync("bash", Path.Combine(Repository.Root, "scripts", "validate-k8s.sh"));

        Assert.True(exitCode == 0, output);
        foreach (var kind in new[] { "Namespace/aftersales", "Deployment/aftersales-silo", "PodDisruptionBudget/aftersales-silo", "Job/aftersales-migrate", "Role/aftersales-silo", "Service/aftersales-api" })
        {
            Assert.Contains("OK   " + kind, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheSiloDeployment_HasWhatOperatorsRelyOn()
    {
        var (exitCode, rendered) = await RunAsync("kubectl", "kustomize", Path.Combine(Repository.Root, "deploy", "k8s"));
        Assert.True(exitCode == 0, rendered);

        Assert.Contains("orleans/serviceId: aftersales", rendered, StringComparison.Ordinal);
        Assert.Contains("orleans/clusterId: aftersales", rendered, StringComparison.Ordinal);
        Assert.Contains("terminationGracePeriodSeconds: 60", rendered, StringComparison.Ordinal); // > the silo's 30 s shutdown
        Assert.DoesNotContain("/health/ready", rendered, StringComparison.Ordinal); // a database blip must not fail every pod
        Assert.Contains("path: /health/live", rendered, StringComparison.Ordinal);
        Assert.Contains("kind: PodDisruptionBudget", rendered, StringComparison.Ordinal);
        Assert.Contains("requests:", rendered, StringComparison.Ordinal);
        Assert.Contains("- migrate", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=", rendered, StringComparison.Ordinal); // secrets come from a Secret, never the repo
    }

    [Fact]
    public async Task AManifestThatBreaksTheSchema_IsRejected()
    {
        var directory = Directory.CreateTempSubdirectory("k8s-broken-");
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root, "deploy", "k8s")))
            {
                File.Copy(file, Path.Combine(directory.FullName, Path.GetFileName(file)));
            }

            var silo = Path.Combine(directory.FullName, "silo.yaml");
            await File.WriteAllTextAsync(silo, (await File.ReadAllTextAsync(silo)).Replace("replicas: 3", "replicas: three", StringComparison.Ordinal));

            var (exitCode, output) = await RunAsync("bash", Path.Combine(Repository.Root, "scripts", "validate-k8s.sh"), directory.FullName);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("FAIL Deployment/aftersales-silo", output, StringComparison.Ordinal);
            Assert.Contains("replicas", output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(ScriptTimeout);
        return (process.ExitCode, await output + await error);
    }
}
