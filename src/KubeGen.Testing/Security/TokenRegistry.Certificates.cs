using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Testing.Security;

/// <summary>
/// Client certificates the emulator issued, and the users they authenticate (kube-apiserver's x509 authenticator, which
/// comes before bearer tokens). Kestrel has already checked that a presented certificate chains to the emulator's CA;
/// only certificates issued through <see cref="KubeApiServerEmulator.IssueClientCertificate"/> are known here.
/// </summary>
internal sealed partial class TokenRegistry
{
    private readonly ConcurrentDictionary<string, EmulatorUser> _certificates = new(StringComparer.Ordinal);

    public void AddCertificate(X509Certificate2 certificate, EmulatorUser user) => _certificates[certificate.Thumbprint] = user;

    public EmulatorUser? AuthenticateCertificate(X509Certificate2? certificate)
        => certificate is not null && _certificates.TryGetValue(certificate.Thumbprint, out EmulatorUser? user) ? user : null;
}
