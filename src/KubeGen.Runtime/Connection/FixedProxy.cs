namespace KubeGen.Runtime;

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
