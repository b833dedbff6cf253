namespace KubeGen.Runtime;

/// <summary>
/// The bearer token of one request attempt on its way from <see cref="KubeConnection"/> to <see cref="KubePrimaryHandler"/>.
/// It travels in the request's options, not its headers: only the primary handler turns it into the <c>Authorization</c>
/// header, right before its own <see cref="SocketsHttpHandler"/> sends the request, and that handler checks the server's
/// certificate (against the configured certificate authorities, else the system's) before any byte of a request leaves.
/// A handler in between that sends the request some other way (its own client, a callback that accepts any certificate)
/// therefore sends it without the token. Never shows the token in <see cref="ToString"/>.
/// </summary>
internal sealed class BearerCredential(string token)
{
    /// <summary>Where the connection puts the credential of an attempt.</summary>
    public static readonly HttpRequestOptionsKey<BearerCredential> Key = new("KubeGen.BearerCredential");

    public string Token { get; } = token;

    public override string ToString() => "Bearer [REDACTED]";
}
