using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KubeGen.Runtime;

/// <summary>
/// Validates the API server's certificate against exactly the configured certificate authorities
/// (custom root trust), and still requires the server name to match. Never accepts any certificate.
/// </summary>
/// <remarks>
/// A CA file is re-read when what it points at changes (real path or modification time, so the
/// kubelet's <c>..data</c> symlink swap is seen): checked at most every <see cref="RecheckInterval"/>
/// during a TLS handshake, and at once when a server certificate fails validation. Only new
/// connections validate certificates, so pooled connections keep working across a rotation.
/// A bundle that cannot be read keeps the last good one.
/// </remarks>
internal sealed class CertificateAuthorityTrust : IDisposable
{
    /// <summary>How often a handshake checks whether the CA file changed.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Marks the <see cref="AuthenticationException"/> thrown by <see cref="Validate"/> (see <see cref="KubePrimaryHandler"/>).</summary>
    internal const string RejectionMarker = "KubeGen.CertificateAuthorityTrust";

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    private readonly string? _file;
    private readonly X509Certificate2Collection _given;
    private readonly TimeProvider _time;
    private readonly object _reloadGate = new();
    private RootSet _roots;
    private long _checkedAtTicks;
    private int _disposed;
    private int _validations;

    private CertificateAuthorityTrust(string? file, X509Certificate2Collection given, RootSet roots, TimeProvider time)
    {
        _file = file;
        _given = given;
        _roots = roots;
        _time = time;
        _checkedAtTicks = time.GetUtcNow().UtcTicks;
    }

    /// <summary>The trusted roots right now.</summary>
    public X509Certificate2Collection Roots => Volatile.Read(ref _roots).All;

    /// <summary>How many times the CA file was loaded (for tests).</summary>
    internal int FileLoads { get; private set; }

    /// <summary>How many server certificates were validated, that is, TLS handshakes (for tests).</summary>
    internal int Validations => Volatile.Read(ref _validations);

    /// <summary>Loads the trust from the options, or returns null when no authority is configured (system trust applies).</summary>
    /// <exception cref="InvalidOperationException">The CA file cannot be read or holds no certificate.</exception>
    public static CertificateAuthorityTrust? FromOptions(KubeConnectionOptions options, TimeProvider? timeProvider = null)
    {
        if (options.CertificateAuthorityFile is null && (options.CertificateAuthorities is null || options.CertificateAuthorities.Count == 0))
        {
            return null;
        }

        var given = new X509Certificate2Collection();
        try
        {
            if (options.CertificateAuthorities is { } certificates)
            {
                foreach (X509Certificate2 certificate in certificates)
                {
                    // Copies, so that disposing the connection never disposes the caller's certificates.
                    given.Add(CopyOf(certificate));
                }
            }

            string? file = options.CertificateAuthorityFile;
            X509Certificate2Collection fromFile = file is null ? [] : LoadFile(file);
            var trust = new CertificateAuthorityTrust(file, given, new RootSet(fromFile, given, file is null ? FileStamp.Missing : FileStamp.Of(file)), timeProvider ?? TimeProvider.System);
            trust.FileLoads = file is null ? 0 : 1;
            return trust;
        }
        catch
        {
            DisposeAll(given);
            throw;
        }
    }

    /// <summary>
    /// The <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>. Returns true for a
    /// trusted certificate; otherwise throws an <see cref="AuthenticationException"/> that says why, which the
    /// handler surfaces as the inner exception of the <see cref="HttpRequestException"/>.
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        Interlocked.Increment(ref _validations);
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            throw Rejection("The API server presented no TLS certificate.");
        }

        X509Certificate2? owned = null;
        X509Certificate2 leaf = certificate as X509Certificate2 ?? (owned = CopyOf(certificate));
        try
        {
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                string host = (sender as SslStream)?.TargetHostName is { Length: > 0 } name ? $"'{name}'" : "the host name in KubeConnectionOptions.Server";
                throw Rejection(
                    $"The API server certificate '{leaf.Subject}' is not valid for {host}: none of its subject alternative names matches "
                    + "(it is issued for other names or IP addresses).");
            }

            RootSet roots = CurrentRoots(force: false);
            string? problem = Build(leaf, presentedChain, roots.All);
            if (problem is not null && _file is not null)
            {
                // The server may already use a certificate from a rotated CA: look at the file again now.
                RootSet reloaded = CurrentRoots(force: true);
                if (!ReferenceEquals(reloaded, roots))
                {
                    problem = Build(leaf, presentedChain, reloaded.All);
                }
            }

            if (problem is not null)
            {
                throw Rejection(
                    $"The API server certificate '{leaf.Subject}' (issued by '{leaf.Issuer}') is not trusted: its chain does not lead to "
                    + $"a certificate authority configured in {DescribeSources()} ({problem}).");
            }

            return true;
        }
        finally
        {
            owned?.Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Earlier bundles are left to the finalizer: a handshake may still be using them.
            DisposeAll(Volatile.Read(ref _roots).FromFile);
            DisposeAll(_given);
        }
    }

    private static AuthenticationException Rejection(string message)
    {
        var exception = new AuthenticationException(message);
        exception.Data[RejectionMarker] = true;
        return exception;
    }

    private string DescribeSources()
        => (_file, _given.Count) switch
        {
            (not null, 0) => $"the CA bundle '{_file}'",
            (not null, _) => $"the CA bundle '{_file}' or KubeConnectionOptions.CertificateAuthorities",
            _ => "KubeConnectionOptions.CertificateAuthorities",
        };

    /// <summary>
    /// Builds the chain to the configured authorities; returns null when trusted, else the chain problems. As with
    /// OpenSSL's partial chains (client-go, kubectl), every certificate of the bundle is a trust anchor, self-signed or
    /// not: a bundle may hold only the intermediate that issued the server's certificate.
    /// </summary>
    private static string? Build(X509Certificate2 leaf, X509Chain? presentedChain, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        // .NET only takes self-signed certificates of the custom trust store as roots, and does not look there for
        // issuers otherwise: offered here too, a configured intermediate becomes part of the chain.
        chain.ChainPolicy.ExtraStore.AddRange(roots);
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

        if (chain.Build(leaf) || ReachesConfiguredAuthority(chain, roots))
        {
            return null;
        }

        var problems = new StringBuilder();
        foreach (X509ChainStatus status in chain.ChainStatus)
        {
            if (problems.Length > 0)
            {
                problems.Append("; ");
            }

            problems.Append(status.Status.ToString());
            if (!string.IsNullOrWhiteSpace(status.StatusInformation))
            {
                problems.Append(": ").Append(status.StatusInformation.Trim());
            }
        }

        return problems.Length > 0 ? problems.ToString() : "the chain could not be built";
    }

    /// <summary>
    /// Whether a chain that .NET rejected only because it does not end at a self-signed root in the bundle
    /// (<see cref="X509ChainStatusFlags.PartialChain"/>, or <see cref="X509ChainStatusFlags.UntrustedRoot"/> when the server
    /// also sent a root the bundle does not hold) passes through a certificate of the bundle. Any other problem (expired,
    /// not for server authentication, a bad signature, a CA constraint broken) still rejects it.
    /// </summary>
    private static bool ReachesConfiguredAuthority(X509Chain chain, X509Certificate2Collection roots)
    {
        const X509ChainStatusFlags OnlyTheEnd = X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot;
        foreach (X509ChainStatus status in chain.ChainStatus)
        {
            if ((status.Status & ~OnlyTheEnd) != X509ChainStatusFlags.NoError)
            {
                return false;
            }
        }

        foreach (X509ChainElement element in chain.ChainElements)
        {
            foreach (X509Certificate2 root in roots)
            {
                if (element.Certificate.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private RootSet CurrentRoots(bool force)
    {
        RootSet roots = Volatile.Read(ref _roots);
        if (_file is null || Volatile.Read(ref _disposed) != 0)
        {
            return roots;
        }

        long now = _time.GetUtcNow().UtcTicks;
        if (!force && now - Volatile.Read(ref _checkedAtTicks) < RecheckInterval.Ticks)
        {
            return roots;
        }

        Volatile.Write(ref _checkedAtTicks, now);
        FileStamp stamp = FileStamp.Of(_file);
        if (stamp == roots.Stamp)
        {
            return roots;
        }

        // One handshake reloads; a concurrent one validates against the same new bundle afterwards.
        lock (_reloadGate)
        {
            roots = Volatile.Read(ref _roots);
            if (stamp == roots.Stamp)
            {
                return roots;
            }

            X509Certificate2Collection fromFile;
            try
            {
                fromFile = LoadFile(_file);
            }
            catch (InvalidOperationException)
            {
                // Keep trusting the last good bundle (a rotation may be half-way); try again when the file changes.
                fromFile = roots.FromFile;
            }

            FileLoads++;
            var updated = new RootSet(fromFile, _given, stamp);
            Volatile.Write(ref _roots, updated);
            return updated;
        }
    }

    private static X509Certificate2Collection LoadFile(string file)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            DisposeAll(roots);
            throw new InvalidOperationException($"Cannot load the certificate authority file '{file}': {ex.Message}", ex);
        }

        if (roots.Count == 0)
        {
            throw new InvalidOperationException($"The certificate authority file '{file}' contains no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        return roots;
    }

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

    /// <summary>One immutable generation of trusted roots.</summary>
    private sealed class RootSet
    {
        public RootSet(X509Certificate2Collection fromFile, X509Certificate2Collection given, FileStamp stamp)
        {
            FromFile = fromFile;
            Stamp = stamp;
            All = [.. fromFile, .. given];
        }

        public X509Certificate2Collection FromFile { get; }

        public X509Certificate2Collection All { get; }

        public FileStamp Stamp { get; }
    }
}
