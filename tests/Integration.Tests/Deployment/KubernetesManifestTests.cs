using System.Diagnostics;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Deployment;

/// <summary>
/// Issue 19, item 2: the Kustomize manifests under deploy/k8s, rendered with <c>kubectl kustomize</c> and checked
/// against the Kubernetes API schemas offline (<c>scripts/validate-k8s.sh</c>; no cluster here), and the properties
/// operators rely on: the Orleans labels, probes on the process's own endpoint, a grace period longer than the silo's
/// shutdown, a disruption budget, resource requests and a migration Job; and the optional split deployment
/// (deploy/k8s-api-host: separate API hosts in front of silos that serve no HTTP).
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
            // Once in the base, once in the split deployment built on it.
            Assert.Equal(2, Occurrences(output, "OK   " + kind));
        }

        Assert.Equal(1, Occurrences(output, "OK   Deployment/aftersales-api-host"));
        Assert.Equal(1, Occurrences(output, "OK   PodDisruptionBudget/aftersales-api-host"));
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSplitDeployment_RunsApiHostsWithTheirOwnProbesSecretsAndTls()
    {
        var objects = await RenderAsync("k8s-api-host");
        var api = Single(objects, "Deployment", "aftersales-api-host");
        var silo = Single(objects, "Deployment", "aftersales-silo");
        var apiPod = api.GetProperty("spec").GetProperty("template");
        var apiContainer = apiPod.GetProperty("spec").GetProperty("containers")[0];

        Assert.StartsWith("aftersales-actors/api:", apiContainer.GetProperty("image").GetString(), StringComparison.Ordinal);
        // The process's own liveness endpoint, never /health/ready (it asks the database every pod shares).
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var httpGet = apiContainer.GetProperty(probe).GetProperty("httpGet");
            Assert.Equal("/health/live", httpGet.GetProperty("path").GetString());
            Assert.Equal("http", httpGet.GetProperty("port").GetString());
        }

        Assert.Contains(apiContainer.GetProperty("ports").EnumerateArray(), p => p.GetProperty("name").GetString() == "http" && p.GetProperty("containerPort").GetInt32() == 8080);
        // Longer than the pause before the host stops (preStop) plus its shutdown timeout: the kubelet never kills it mid-drain.
        Assert.True(GracePeriod(apiPod) > PreStopPause(apiContainer) + AfterSales.ApiHost.Hosting.OrleansClientExtensions.ShutdownTimeout);
        var requests = apiContainer.GetProperty("resources").GetProperty("requests");
        Assert.True(requests.TryGetProperty("cpu", out _) && requests.TryGetProperty("memory", out _));

        // Configuration by environment: the connection string and the signing key from the Secret, the cluster ids
        // equal to the silos' orleans/* labels, the cluster TLS certificates mounted as the silos have them.
        var env = Env(apiContainer);
        Assert.Equal("postgres-app", env["ConnectionStrings__Postgres"].GetProperty("valueFrom").GetProperty("secretKeyRef").GetProperty("key").GetString());
        Assert.Equal("auth-signing-key", env["Auth__SigningKey"].GetProperty("valueFrom").GetProperty("secretKeyRef").GetProperty("key").GetString());
        var siloLabels = silo.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("labels");
        Assert.Equal(siloLabels.GetProperty("orleans/clusterId").GetString(), env["Cluster__ClusterId"].GetProperty("value").GetString());
        Assert.Equal(siloLabels.GetProperty("orleans/serviceId").GetString(), env["Cluster__ServiceId"].GetProperty("value").GetString());
        Assert.StartsWith("cloud.region=", env["OTEL_RESOURCE_ATTRIBUTES"].GetProperty("value").GetString(), StringComparison.Ordinal);
        var siloContainer = silo.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers")[0];
        foreach (var tls in new[] { "Cluster__Tls__CertificatePath", "Cluster__Tls__CaCertificatePath" })
        {
            Assert.Equal(Env(siloContainer)[tls].GetRawText(), env[tls].GetRawText());
        }

        Assert.Equal(siloContainer.GetProperty("volumeMounts").GetRawText(), apiContainer.GetProperty("volumeMounts").GetRawText());
        Assert.Equal(silo.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("volumes").GetRawText(),
            apiPod.GetProperty("spec").GetProperty("volumes").GetRawText());

        // The budget and the Service select the API hosts' pods.
        var podLabels = apiPod.GetProperty("metadata").GetProperty("labels");
        Assert.True(Selects(Single(objects, "PodDisruptionBudget", "aftersales-api-host").GetProperty("spec").GetProperty("selector").GetProperty("matchLabels"), podLabels));
        var service = Single(objects, "Service", "aftersales-api").GetProperty("spec");
        Assert.True(Selects(service.GetProperty("selector"), podLabels));
        Assert.Equal("http", service.GetProperty("ports")[0].GetProperty("targetPort").GetString());
    }

    [Fact]
    public async Task BehindApiHosts_TheSilosServeNoHttp_AndAreProbedOnTheirOwnPorts()
    {
        var split = await RenderAsync("k8s-api-host");
        var cohosted = await RenderAsync("k8s");
        var silo = Single(split, "Deployment", "aftersales-silo").GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers")[0];

        var env = Env(silo);
        Assert.Equal("false", env["Cluster__ServeApi"].GetProperty("value").GetString());
        Assert.False(env.ContainsKey("Auth__SigningKey")); // no HTTP, no token checks: the key stays with the API hosts
        Assert.DoesNotContain(silo.GetProperty("ports").EnumerateArray(), p => p.GetProperty("containerPort").GetInt32() == 8080);
        // One handler per probe: an httpGet left beside the tcpSocket would be refused by the API server.
        Assert.Equal("gateway", silo.GetProperty("startupProbe").GetProperty("tcpSocket").GetProperty("port").GetString());
        Assert.Equal("gateway", silo.GetProperty("readinessProbe").GetProperty("tcpSocket").GetProperty("port").GetString());
        Assert.Equal("silo", silo.GetProperty("livenessProbe").GetProperty("tcpSocket").GetProperty("port").GetString());
        Assert.All(new[] { "startupProbe", "readinessProbe", "livenessProbe" }, probe => Assert.False(silo.GetProperty(probe).TryGetProperty("httpGet", out _)));

        // The co-hosted base is unchanged by the overlay: its silos serve HTTP and its Service selects them.
        var cohostedSilo = Single(cohosted, "Deployment", "aftersales-silo").GetProperty("spec").GetProperty("template");
        Assert.False(Env(cohostedSilo.GetProperty("spec").GetProperty("containers")[0]).ContainsKey("Cluster__ServeApi"));
        Assert.True(Selects(Single(cohosted, "Service", "aftersales-api").GetProperty("spec").GetProperty("selector"), cohostedSilo.GetProperty("metadata").GetProperty("labels")));
        Assert.DoesNotContain(cohosted, o => o.GetProperty("metadata").GetProperty("name").GetString() == "aftersales-api-host");
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
    public async Task ASiloPodBeingDeleted_KeepsServingUntilTheServiceForgetsIt_AndIsGivenTimeToLeave()
    {
        foreach (var directory in new[] { "k8s", "k8s-api-host" })
        {
            var pod = Single(await RenderAsync(directory), "Deployment", "aftersales-silo").GetProperty("spec").GetProperty("template");
            var container = pod.GetProperty("spec").GetProperty("containers")[0];

            Assert.True(PreStopPause(container) >= TimeSpan.FromSeconds(5), directory);
            Assert.True(GracePeriod(pod) > PreStopPause(container) + AfterSales.Silo.Hosting.SiloHostingExtensions.ShutdownTimeout, directory);
        }
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
        var (exitCode, output, error) = await RunSplitAsync(fileName, arguments);
        return (exitCode, output + error);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunSplitAsync(string fileName, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(ScriptTimeout);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>The objects of deploy/<paramref name="directory"/>, rendered and schema-checked by the validation script.</summary>
    private static async Task<IReadOnlyList<JsonElement>> RenderAsync(string directory)
    {
        var (exitCode, output, error) = await RunSplitAsync("bash", Path.Combine(Repository.Root, "scripts", "validate-k8s.sh"), "--json", Path.Combine(Repository.Root, "deploy", directory));
        Assert.True(exitCode == 0, error);
        return [.. JsonDocument.Parse(output).RootElement.EnumerateArray()];
    }

    private static JsonElement Single(IEnumerable<JsonElement> objects, string kind, string name) =>
        Assert.Single(objects, o => o.GetProperty("kind").GetString() == kind && o.GetProperty("metadata").GetProperty("name").GetString() == name);

    /// <summary>The pause of a container's preStop hook (<c>sleep N</c>).</summary>
    private static TimeSpan PreStopPause(JsonElement container)
    {
        var command = container.GetProperty("lifecycle").GetProperty("preStop").GetProperty("exec").GetProperty("command").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal("sleep", command[0]);
        return TimeSpan.FromSeconds(int.Parse(command[1]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static TimeSpan GracePeriod(JsonElement pod) => TimeSpan.FromSeconds(pod.GetProperty("spec").GetProperty("terminationGracePeriodSeconds").GetInt32());

    private static Dictionary<string, JsonElement> Env(JsonElement container) =>
        container.GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);

    /// <summary>Whether every label of <paramref name="selector"/> is on <paramref name="labels"/> with the same value.</summary>
    private static bool Selects(JsonElement selector, JsonElement labels) =>
        selector.EnumerateObject().All(s => labels.TryGetProperty(s.Name, out var value) && value.GetString() == s.Value.GetString());

    private static int Occurrences(string text, string what) => text.Split('\n').Count(line => line.StartsWith(what + " ", StringComparison.Ordinal));
}
