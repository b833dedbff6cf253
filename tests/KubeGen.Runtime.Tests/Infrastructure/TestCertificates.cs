using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Runtime.Tests.Infrastructure;

/// <summary>Makes throw-away certificate authorities and server certificates.</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> SharedAuthority = new(() => CreateAuthority("KubeGen Test CA"));
    private static readonly Lazy<X509Certificate2> SharedServer = new(() => CreateServer(SharedAuthority.Value, "127.0.0.1", "localhost"));

    /// <summary>A CA reused by tests that only need a working TLS setup.</summary>
    public static X509Certificate2 Authority => SharedAuthority.Value;

    /// <summary>A server certificate for 127.0.0.1 and localhost issued by <see cref="Authority"/>.</summary>
    public static X509Certificate2 Server => SharedServer.Value;

    public static X509Certificate2 CreateAuthority(string commonName)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 created = request.CreateSelfSigned(now.AddDays(-2), now.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>An intermediate certificate authority issued by <paramref name="issuer"/>, with its private key.</summary>
    public static X509Certificate2 CreateIntermediate(X509Certificate2 issuer, string commonName)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 issued = request.Create(issuer, now.AddDays(-2), now.AddDays(20) < issuer.NotAfter ? now.AddDays(20) : issuer.NotAfter, Serial());
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>A server certificate with the given names (IP addresses or DNS names) as subject alternative names.</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 authority, params string[] names)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return CreateServer(authority, now.AddDays(-1), now.AddDays(7) < authority.NotAfter ? now.AddDays(7) : authority.NotAfter, names);
    }

    /// <summary>A server certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (an expired one, say).</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 authority, DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] names)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (string name in names)
        {
            if (IPAddress.TryParse(name, out IPAddress? address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        using X509Certificate2 issued = request.Create(authority, notBefore, notAfter, Serial());
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>
    /// A TLS client certificate (clientAuth) for <paramref name="commonName"/> issued by <paramref name="authority"/>, with an
    /// RSA 2048 or EC P-256 key, as PEM: the certificate, and the key as PKCS#1 (<c>RSA PRIVATE KEY</c>) or SEC1
    /// (<c>EC PRIVATE KEY</c>), what openssl and kubeadm write, or as PKCS#8 (<c>PRIVATE KEY</c>).
    /// </summary>
    public static (string CertificatePem, string KeyPem) CreateClientPem(X509Certificate2 authority, string commonName, bool rsa, bool pkcs8 = false)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = key is RSA rsaKey
            ? new CertificateRequest($"CN={commonName}, O=system:masters", rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={commonName}, O=system:masters", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        // The authority's key is EC: an RSA request needs its signature generator spelled out.
        using ECDsa authorityKey = authority.GetECDsaPrivateKey()!;
        using X509Certificate2 issued = request.Create(
            authority.SubjectName, X509SignatureGenerator.CreateForECDsa(authorityKey), now.AddDays(-1), now.AddDays(7) < authority.NotAfter ? now.AddDays(7) : authority.NotAfter, Serial());
        string keyPem = (key, pkcs8) switch
        {
            (_, true) => key.ExportPkcs8PrivateKeyPem(),
            (RSA r, false) => r.ExportRSAPrivateKeyPem(),
            (ECDsa e, false) => e.ExportECPrivateKeyPem(),
            _ => throw new InvalidOperationException(),
        };
        return (issued.ExportCertificatePem() + "\n", keyPem + "\n");
    }

    private static byte[] Serial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        return serial;
    }

    /// <summary>A server certificate for every loopback name (127.0.0.1, ::1, localhost) issued by <paramref name="authority"/>.</summary>
    public static X509Certificate2 CreateLoopbackServer(X509Certificate2 authority)
        => CreateServer(authority, "127.0.0.1", "::1", "localhost");

    /// <summary>The PEM text of certificates (a CA bundle).</summary>
    public static string Pem(params X509Certificate2[] certificates)
        => string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    /// <summary>Writes certificates as a PEM bundle and returns its path.</summary>
    public static string WritePem(string path, params X509Certificate2[] certificates)
    {
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }
}
