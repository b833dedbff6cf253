using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Runtime;

/// <summary>
/// Validates the API server's certificate against exactly the configured certificate authorities
/// (custom root trust), and still requires the server name to match. Never accepts any certificate.
/// </summary>
internal sealed class CertificateAuthorityTrust : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    private readonly X509Certificate2Collection _roots;

    private CertificateAuthorityTrust(X509Certificate2Collection roots) => _roots = roots;

    /// <summary>The trusted roots.</summary>
    public X509Certificate2Collection Roots => _roots;

    /// <summary>Loads the trust from the options, or returns null when no authority is configured (system trust applies).</summary>
    public static CertificateAuthorityTrust? FromOptions(KubeConnectionOptions options)
    {
        if (options.CertificateAuthorityFile is null && (options.CertificateAuthorities is null || options.CertificateAuthorities.Count == 0))
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        try
        {
            if (options.CertificateAuthorityFile is { } file)
            {
                int before = roots.Count;
                try
                {
                    roots.ImportFromPemFile(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
                {
                    throw new InvalidOperationException($"Cannot load the certificate authority file '{file}': {ex.Message}", ex);
                }

                if (roots.Count == before)
                {
                    throw new InvalidOperationException($"The certificate authority file '{file}' contains no PEM certificate (-----BEGIN CERTIFICATE-----).");
                }
            }

            if (options.CertificateAuthorities is { } given)
            {
                foreach (X509Certificate2 certificate in given)
                {
                    // Copies, so that disposing the connection never disposes the caller's certificates.
                    roots.Add(CopyOf(certificate));
                }
            }

            return new CertificateAuthorityTrust(roots);
        }
        catch
        {
            DisposeAll(roots);
            throw;
        }
    }

    /// <summary>The <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (certificate is null
            || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0
            || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        X509Certificate2? owned = null;
        X509Certificate2 leaf = certificate as X509Certificate2 ?? (owned = CopyOf(certificate));
        using var chain = new X509Chain();
        try
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
            if (presentedChain is not null)
            {
                // Intermediates the server sent may be needed to reach a trusted root; they are not trusted themselves.
                for (int i = 1; i < presentedChain.ChainElements.Count; i++)
                {
                    chain.ChainPolicy.ExtraStore.Add(presentedChain.ChainElements[i].Certificate);
                }
            }

            return chain.Build(leaf);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    public void Dispose() => DisposeAll(_roots);

    private static X509Certificate2 CopyOf(X509Certificate certificate)
    {
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
#else
        return new X509Certificate2(certificate.GetRawCertData());
#endif
    }

    private static void DisposeAll(X509Certificate2Collection certificates)
    {
        foreach (X509Certificate2 certificate in certificates)
        {
            certificate.Dispose();
        }

        certificates.Clear();
    }
}
