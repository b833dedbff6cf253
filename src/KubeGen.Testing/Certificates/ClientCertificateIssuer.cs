using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Testing.Certificates;

/// <summary>
/// Issues TLS client certificates from the emulator's CA, the way kubeadm issues <c>admin.conf</c>'s: the user name is the
/// subject's CN and the groups are its O values. Keys are RSA 2048 (PEM as PKCS#1, <c>RSA PRIVATE KEY</c>) or EC P-256
/// (SEC1, <c>EC PRIVATE KEY</c>), the two shapes openssl and kubeadm write.
/// </summary>
internal static class ClientCertificateIssuer
{
    public static (X509Certificate2 Certificate, string CertificatePem, string KeyPem) Issue(X509Certificate2 authority, EmulatorUser user, bool rsa)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        foreach (string group in user.Groups.Where(g => g != "system:authenticated"))
        {
            subject.AddOrganizationName(group);
        }

        subject.AddCommonName(user.Name);
        CertificateRequest request = key is RSA rsaKey
            ? new CertificateRequest(subject.Build(), rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject.Build(), (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        DateTimeOffset notAfter = now.AddDays(90) < authority.NotAfter ? now.AddDays(90) : authority.NotAfter;

        // The CA's key is EC, so an RSA request needs the signature generator spelled out.
        using ECDsa authorityKey = authority.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The emulator's CA has no EC private key.");
        X509Certificate2 issued = request.Create(authority.SubjectName, X509SignatureGenerator.CreateForECDsa(authorityKey), now.AddHours(-1), notAfter, serial);
        string keyPem = key is RSA r ? r.ExportRSAPrivateKeyPem() : ((ECDsa)key).ExportECPrivateKeyPem();
        return (issued, issued.ExportCertificatePem() + "\n", keyPem + "\n");
    }

    /// <summary>Whether <paramref name="certificate"/> chains to the emulator's CA (what Kestrel asks of every client certificate).</summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
