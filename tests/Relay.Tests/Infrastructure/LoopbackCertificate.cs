using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// A self-signed TLS certificate for 127.0.0.1 and localhost, made for one test run: for clients that speak only HTTPS
/// (the Adyen library). Node trusts it through NODE_EXTRA_CA_CERTS pointing at <see cref="PemPath"/>.
/// </summary>
public sealed class LoopbackCertificate : IDisposable
{
    private LoopbackCertificate(X509Certificate2 certificate, string pemPath)
    {
        Certificate = certificate;
        PemPath = pemPath;
    }

    /// <summary>With its private key, for Kestrel.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A temporary file with the certificate (not the key) as PEM.</summary>
    public string PemPath { get; }

    public static LoopbackCertificate Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Relay test loopback", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        // A self-signed end-entity certificate that OpenSSL (node) accepts as its own trust anchor.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Exported and loaded again: Kestrel on Linux needs a certificate whose key it can use for TLS.
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        var pemPath = Path.Combine(Path.GetTempPath(), $"relay-loopback-{Guid.NewGuid():N}.pem");
        File.WriteAllText(pemPath, certificate.ExportCertificatePem());
        return new LoopbackCertificate(certificate, pemPath);
    }

    public void Dispose()
    {
        File.Delete(PemPath);
        Certificate.Dispose();
    }
}
