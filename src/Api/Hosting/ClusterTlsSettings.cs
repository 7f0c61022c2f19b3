using System.Security.Cryptography.X509Certificates;

namespace AfterSales.Api.Hosting;

/// <summary>
/// TLS between silos and from API hosts to the silos' gateways (section <c>Cluster:Tls</c>). When a certificate is
/// configured every cluster connection is TLS in both directions and each end must present a certificate issued by
/// the cluster's CA: a process without one (any Orleans client that merely reaches the ports) is turned away during
/// the handshake. Off when no certificate is configured (a single machine, ./run.sh).
/// </summary>
public sealed class ClusterTlsSettings
{
    public const string SectionName = "Cluster:Tls";

    /// <summary>The name each end asks for (server name indication); certificates are checked against the CA, not names.</summary>
    public const string TargetHost = "aftersales-cluster";

    /// <summary>This process's certificate with its private key, PKCS#12 (<c>Cluster__Tls__CertificatePath</c>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Its password (<c>Cluster__Tls__CertificatePassword</c>: a secret, from the environment).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The cluster CA's certificate, PEM (<c>Cluster__Tls__CaCertificatePath</c>): the only issuer accepted.</summary>
    public string? CaCertificatePath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    public static ClusterTlsSettings Load(IConfiguration configuration)
    {
        var settings = new ClusterTlsSettings();
        configuration.GetSection(SectionName).Bind(settings);
        return settings;
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enabled)
        {
            if (!string.IsNullOrWhiteSpace(CaCertificatePath))
            {
                problems.Add("Cluster:Tls:CaCertificatePath is set but Cluster:Tls:CertificatePath is not: set both to turn TLS on.");
            }

            return problems;
        }

        if (!File.Exists(CertificatePath))
        {
            problems.Add($"Cluster:Tls:CertificatePath '{CertificatePath}' does not exist (scripts/make-dev-certs.sh makes development certificates).");
        }

        if (string.IsNullOrWhiteSpace(CaCertificatePath) || !File.Exists(CaCertificatePath))
        {
            problems.Add($"Cluster:Tls:CaCertificatePath '{CaCertificatePath}' must name the cluster CA's certificate (PEM).");
        }

        if (problems.Count == 0)
        {
            try
            {
                using var certificate = LoadCertificate();
                if (!certificate.HasPrivateKey)
                {
                    problems.Add($"Cluster:Tls:CertificatePath '{CertificatePath}' holds no private key.");
                }

                using var ca = LoadCa();
                if (!IsIssuedBy(certificate, ca))
                {
                    problems.Add($"Cluster:Tls:CertificatePath '{CertificatePath}' is not issued by the CA in '{CaCertificatePath}'.");
                }
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                problems.Add($"Cluster:Tls: the certificates cannot be read: {ex.Message}");
            }
        }

        return problems;
    }

    public X509Certificate2 LoadCertificate() =>
        X509CertificateLoader.LoadPkcs12FromFile(CertificatePath!, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);

    public X509Certificate2 LoadCa() => X509Certificate2.CreateFromPem(File.ReadAllText(CaCertificatePath!));

    /// <summary>Whether <paramref name="remote"/> chains to <paramref name="ca"/> alone (the system's roots do not count).</summary>
    public static bool IsIssuedBy(X509Certificate2 remote, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // A peer's certificate must not make this process fetch URLs (AIA) before the handshake is decided.
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(remote) && chain.ChainElements[^1].Certificate.Thumbprint == ca.Thumbprint;
    }
}
