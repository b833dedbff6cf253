using System.Security.Cryptography.X509Certificates;

namespace KubeGen.Runtime;

/// <summary>
/// A source of credentials that runs something to get them (a kubeconfig's exec plugin, <see cref="ExecCredentialPlugin"/>).
/// </summary>
/// <remarks>
/// The connection reaches the plugin only through this interface on purpose: Native AOT compiles the methods of a class
/// only when the class is ever created, and only <see cref="KubeConnection.Connect(KubeConnectOptions?)"/> creates one.
/// An app that connects in-cluster therefore carries none of the plugin code (process handling, JSON, PEM), nor the
/// kubeconfig reader behind it.
/// </remarks>
internal interface ICredentialPlugin
{
    /// <summary>The client certificate of the current credential, for TLS handshakes; null when it has none.</summary>
    X509Certificate2? CurrentCertificate { get; }

    /// <summary>The tokens the plugin returned lately, for redaction.</summary>
    IReadOnlyList<string> KnownTokens { get; }

    /// <summary>The current token, getting a new credential first when there is none or it expired.</summary>
    ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>After a 401 for <paramref name="rejectedToken"/>: a new token, or null when retrying would not help.</summary>
    ValueTask<string?> RefreshAfterUnauthorizedAsync(string? rejectedToken, CancellationToken cancellationToken);
}

/// <summary>
/// A proxy that is always used (kubeconfig's <c>proxy-url</c>): the user name and password of the URL, if any, are its
/// credentials. Used instead of <see cref="System.Net.WebProxy"/>, whose bypass list would bring the regular-expression
/// engine into every Native AOT app that connects, proxy or not.
/// </summary>
internal sealed class FixedProxy(Uri address) : System.Net.IWebProxy
{
    public System.Net.ICredentials? Credentials { get; set; } = address.UserInfo is { Length: > 0 } userInfo ? CredentialsOf(userInfo) : null;

    public Uri GetProxy(Uri destination) => address;

    public bool IsBypassed(Uri host) => false;

    private static System.Net.NetworkCredential CredentialsOf(string userInfo)
    {
        int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? new(Uri.UnescapeDataString(userInfo), string.Empty)
            : new(Uri.UnescapeDataString(userInfo[..colon]), Uri.UnescapeDataString(userInfo[(colon + 1)..]));
    }
}
