using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Runtime;

/// <summary>
/// The innermost handler of a connection (<see cref="KubeConnection.CreatePrimaryHandler"/>): a
/// <see cref="SocketsHttpHandler"/> with the connection's TLS trust (re-read as the CA file rotates) and
/// HTTP settings. It is the only place the bearer token becomes an <c>Authorization</c> header
/// (<see cref="BearerCredential"/>), so the token only leaves the process over a connection whose server
/// certificate this handler checked. It marks each request it sends, so that a <see cref="KubeConnection"/>
/// given an <see cref="HttpClient"/> can check that the client really ends in it, and it turns a certificate
/// the configured CA does not trust into an <see cref="HttpRequestException"/> that says so.
/// </summary>
internal sealed class KubePrimaryHandler : DelegatingHandler
{
    /// <summary>Set on every request this handler sends: the trust configuration it applied.</summary>
    internal static readonly HttpRequestOptionsKey<TrustIdentity> SentBy = new("KubeGen.PrimaryHandler");

    private readonly CertificateAuthorityTrust? _trust;
    private readonly TrustIdentity _identity;
    private readonly string? _tlsServerName;

    public KubePrimaryHandler(KubeConnectionOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _trust = CertificateAuthorityTrust.FromOptions(options, timeProvider);
        _identity = TrustIdentity.Of(options);
        InnerHandler = KubeHttpHandlerFactory.Create(_trust, options);
        _tlsServerName = string.IsNullOrWhiteSpace(options.TlsServerName) ? null : options.TlsServerName.Trim();
    }

    /// <summary>The CA trust, or null for the system trust (for tests).</summary>
    internal CertificateAuthorityTrust? Trust => _trust;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.Set(SentBy, _identity);
        if (_tlsServerName is not null && request.RequestUri is { Scheme: "https" } uri)
        {
            // SocketsHttpHandler takes the TLS server name (SNI, and the name the certificate must match) from the Host
            // header when there is one: kubeconfig's tls-server-name. The API server does not route by Host.
            request.Headers.Host = uri.IsDefaultPort ? _tlsServerName : _tlsServerName + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        bool authorized = request.Options.TryGetValue(BearerCredential.Key, out BearerCredential? credential) && credential is not null;
        if (authorized)
        {
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential!.Token);
        }

        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException rejection && rejection.Data.Contains(CertificateAuthorityTrust.RejectionMarker))
        {
            // SocketsHttpHandler only says "see inner exception"; say what is wrong in the message itself.
            string server = request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "the API server";
            throw new HttpRequestException(
                HttpRequestError.SecureConnectionError,
                $"Cannot establish a TLS connection to {server}: {rejection.Message}",
                rejection);
        }
        finally
        {
            if (authorized)
            {
                // Sent (the response headers are in): the handlers this response passes back through never see the token.
                request.Headers.Remove("Authorization");
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _trust?.Dispose();
        }
    }

    /// <summary>Which certificate authorities a handler trusts, as configured (not the certificates themselves).</summary>
    internal sealed record TrustIdentity(string? CertificateAuthorityFile, X509Certificate2Collection? CertificateAuthorities, bool Insecure = false)
    {
        public bool IsCustom => CertificateAuthorityFile is not null || CertificateAuthorities is not null || Insecure;

        public static TrustIdentity Of(KubeConnectionOptions options)
            => new(
                string.IsNullOrEmpty(options.CertificateAuthorityFile) ? null : options.CertificateAuthorityFile,
                options.CertificateAuthorities is { Count: > 0 } certificates ? certificates : null,
                options.InsecureSkipTlsVerify);
    }
}
