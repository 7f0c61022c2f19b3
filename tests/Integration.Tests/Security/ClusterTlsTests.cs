using System.Net;
using System.Text.Json;
using AfterSales.Api.Hosting;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Cluster;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace AfterSales.Integration.Tests.Security;

/// <summary>
/// Issue 18, item 2 — cluster transport: with a certificate configured every silo and gateway connection is mutual
/// TLS, and only a certificate of the cluster's CA gets through. A process that merely reaches the gateway port, or
/// presents a certificate of another CA, cannot call a grain; an API host with the cluster's certificate can.
/// </summary>
public sealed class ClusterTlsTests
{
    private const string Password = "test-only-pfx-password";

    [Fact]
    public async Task OnlyAProcessWithTheClustersCertificate_CallsAGrain()
    {
        var directory = Directory.CreateTempSubdirectory("cluster-tls-");
        try
        {
            var (ca, member) = DevCertificates.Create(directory.FullName, Password, TimeProvider.System);
            var (_, stranger) = DevCertificates.Create(Path.Combine(directory.FullName, "other"), null, TimeProvider.System, "Some other CA");
            var database = await TestDatabase.CreateAsync("tls");
            var clusterId = $"tls-{Guid.NewGuid():N}"[..20];
            var tls = new Dictionary<string, string>
            {
                ["Cluster:Tls:CertificatePath"] = member,
                ["Cluster:Tls:CertificatePassword"] = Password,
                ["Cluster:Tls:CaCertificatePath"] = ca,
            };

            await using var silo = await SiloHost.StartAsync(database, clusterId, extraSettings: tls.ToDictionary(e => e.Key, e => (string?)e.Value));

            // An API host with the cluster's certificate: its grain calls go through the gateway over mutual TLS.
            await using (var api = new ApiFactory(database, clusterId, settings: tls))
            {
                using var client = api.CreateClient(Roles.Reader);
                using var ready = await client.GetAsync("/health/ready").WaitAsync(TimeSpan.FromSeconds(60));
                using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("cluster").GetProperty("status").GetString());
            }

            // A plain Orleans client, and one whose certificate another CA issued: turned away in the handshake.
            Assert.False(await CanCallAsync(database, clusterId, certificatePath: null), "a client without a certificate called a grain");
            Assert.False(await CanCallAsync(database, clusterId, stranger), "a client with another CA's certificate called a grain");
            Assert.True(await CanCallAsync(database, clusterId, member, Password), "the cluster's own certificate was refused");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void TheSettings_NameWhatIsWrong()
    {
        var directory = Directory.CreateTempSubdirectory("cluster-tls-bad-");
        try
        {
            var (_, member) = DevCertificates.Create(directory.FullName, null, TimeProvider.System);
            var (otherCa, _) = DevCertificates.Create(Path.Combine(directory.FullName, "other"), null, TimeProvider.System, "Some other CA");

            Assert.Empty(new ClusterTlsSettings().Validate()); // off
            Assert.Contains(new ClusterTlsSettings { CertificatePath = Path.Combine(directory.FullName, "missing.pfx"), CaCertificatePath = otherCa }.Validate(),
                p => p.Contains("does not exist", StringComparison.Ordinal));
            Assert.Contains(new ClusterTlsSettings { CertificatePath = member, CaCertificatePath = otherCa }.Validate(),
                p => p.Contains("is not issued by the CA", StringComparison.Ordinal));
            Assert.Contains(new ClusterTlsSettings { CaCertificatePath = otherCa }.Validate(), p => p.Contains("set both", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TheDevCertsScript_MakesACaAndAMemberCertificateThatTheSettingsAccept_AndTheCommandRunsOnlyInDevelopment()
    {
        var directory = Directory.CreateTempSubdirectory("dev-certs-");
        try
        {
            var output = Path.Combine(directory.FullName, "certs");
            using var script = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(Repository.Root, "scripts", "make-dev-certs.sh"), output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var printed = await script.StandardOutput.ReadToEndAsync();
            await script.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(script.ExitCode == 0, printed + await script.StandardError.ReadToEndAsync());
            Assert.Contains("Cluster__Tls__CertificatePath", printed, StringComparison.Ordinal);

            var settings = new ClusterTlsSettings
            {
                CertificatePath = Path.Combine(output, DevCertificates.MemberFile),
                CaCertificatePath = Path.Combine(output, DevCertificates.CaFile),
            };
            Assert.Empty(settings.Validate());
            using var member = settings.LoadCertificate();
            Assert.True(member.HasPrivateKey);

            var (error, standardOutput) = (Console.Error, Console.Out);
            try
            {
                Console.SetError(TextWriter.Null);
                Console.SetOut(TextWriter.Null);
                Assert.Equal(2, DevCertificates.RunCommand(["dev-certs", "--out", Path.Combine(directory.FullName, "prod")], "Production"));
            }
            finally
            {
                Console.SetError(error);
                Console.SetOut(standardOutput);
            }

            Assert.False(Directory.Exists(Path.Combine(directory.FullName, "prod")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A bare Orleans client of the cluster (no retries): true when it connects and a grain answers.</summary>
    private static async Task<bool> CanCallAsync(string database, string clusterId, string? certificatePath, string? password = null)
    {
        using var host = new HostBuilder().UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, clusterId));
            client.UseAdoNetClustering(options => (options.Invariant, options.ConnectionString) = ("Npgsql", database));
            // One attempt, given a few seconds: a refused handshake is the answer, not a reason to retry.
            client.Configure<ConnectionOptions>(options => options.OpenConnectionTimeout = TimeSpan.FromSeconds(5));
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            if (certificatePath is not null)
            {
                client.UseTls(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password), options =>
                {
                    options.AllowAnyRemoteCertificate();
                    options.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = ClusterTlsSettings.TargetHost;
                });
            }
        }).Build();
        try
        {
            await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var reply = await host.Services.GetRequiredService<IClusterClient>().GetGrain<IClusterProbeGrain>(0).PingAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return reply.Silo.Length > 0;
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            return false;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
