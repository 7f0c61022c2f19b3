using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AfterSales.Api.Hosting;

namespace AfterSales.Silo.Hosting;

/// <summary>
/// Development certificates for cluster TLS (<c>AfterSales.Actors.Silo dev-certs --out DIR</c>,
/// <c>scripts/make-dev-certs.sh</c>): a throwaway CA (<c>ca.pem</c>; its key is not kept) and one member certificate
/// for every silo and API host (<c>cluster.pfx</c>, server and client authentication). Production certificates come
/// from the organisation's CA; only the file paths change.
/// </summary>
public static class DevCertificates
{
    public const string CaFile = "ca.pem";
    public const string MemberFile = "cluster.pfx";

    /// <summary>Writes a new CA and member certificate into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Ca, string Member) Create(string directory, string? password, TimeProvider time, string caName = "AfterSales development cluster CA")
    {
        Directory.CreateDirectory(directory);
        var now = time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));

        using var memberKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var memberRequest = new CertificateRequest($"CN={ClusterTlsSettings.TargetHost}", memberKey, HashAlgorithmName.SHA256);
        memberRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        memberRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        memberRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in new[] { ClusterTlsSettings.TargetHost, "localhost", "silo1", "silo2", "api" })
        {
            names.AddDnsName(name);
        }

        memberRequest.CertificateExtensions.Add(names.Build());
        using var issued = memberRequest.Create(ca, now.AddDays(-1), now.AddYears(1), RandomNumberGenerator.GetBytes(16));
        using var member = issued.CopyWithPrivateKey(memberKey);

        var caPath = Path.Combine(directory, CaFile);
        var memberPath = Path.Combine(directory, MemberFile);
        File.WriteAllText(caPath, ca.ExportCertificatePem() + Environment.NewLine);
        File.WriteAllBytes(memberPath, member.Export(X509ContentType.Pfx, password));
        return (caPath, memberPath);
    }

    /// <summary><c>dev-certs --out DIR [--password P]</c>: Development only, like the token command.</summary>
    public static int RunCommand(string[] args, string environmentName)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        if (!string.Equals(environmentName, "Development", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"dev-certs: refused in the {environmentName} environment; production certificates come from your CA.");
            return 2;
        }

        if (Option("--out") is not { Length: > 0 } directory)
        {
            Console.Error.WriteLine("dev-certs: --out DIR is required.");
            return 2;
        }

        var (ca, member) = Create(directory, Option("--password"), TimeProvider.System);
        Console.WriteLine($"CA certificate     {ca}   (Cluster__Tls__CaCertificatePath)");
        Console.WriteLine($"member certificate {member}   (Cluster__Tls__CertificatePath; every silo and API host)");
        return 0;
    }
}
