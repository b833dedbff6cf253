using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Runtime;

/// <summary>Loads a TLS client certificate with its private key from PEM (RSA or EC; PKCS#1, SEC1 or PKCS#8 keys).</summary>
internal static class ClientCertificates
{
    /// <summary>
    /// The certificate (the first of <paramref name="certificatePem"/>) with the key of <paramref name="keyPem"/>.
    /// <see cref="X509Certificate2.CreateFromPem(ReadOnlySpan{char}, ReadOnlySpan{char})"/> reads
    /// <c>RSA PRIVATE KEY</c> (PKCS#1), <c>EC PRIVATE KEY</c> (SEC1) and <c>PRIVATE KEY</c> (PKCS#8). The result is
    /// exported and loaded again as PKCS#12 because an ephemeral key cannot be used for TLS on Windows.
    /// </summary>
    /// <exception cref="CryptographicException">No certificate, no key, an encrypted key, or a key that does not match.</exception>
    public static X509Certificate2 FromPem(string certificatePem, string keyPem)
    {
        using X509Certificate2 loaded = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        byte[] pkcs12 = loaded.Export(X509ContentType.Pkcs12);
        try
        {
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadPkcs12(pkcs12, password: null);
#else
            return new X509Certificate2(pkcs12);
#endif
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs12);
        }
    }
}
