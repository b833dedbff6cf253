using System.Globalization;

namespace KubeGen.Runtime;

/// <summary>
/// A response body was larger than <see cref="KubeConnectionOptions.MaxResponseBytes"/> (counted after
/// decompression), so reading it was abandoned instead of letting a hostile or broken server exhaust memory.
/// Not retried: list in pages (<c>limit</c>/<c>continue</c>) or raise the limit.
/// </summary>
public sealed class KubeResponseTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="pathAndQuery">The request path and query.</param>
    /// <param name="maxResponseBytes">The limit that was exceeded.</param>
    public KubeResponseTooLargeException(string method, string pathAndQuery, long maxResponseBytes)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"{method} {pathAndQuery}: the response body is larger than {maxResponseBytes} bytes after decompression (KubeConnectionOptions.MaxResponseBytes); list in pages (limit/continue) or raise the limit."))
    {
        Method = method;
        PathAndQuery = pathAndQuery;
        MaxResponseBytes = maxResponseBytes;
    }

    /// <summary>The request method, for example <c>GET</c>.</summary>
    public string Method { get; }

    /// <summary>The request path and query.</summary>
    public string PathAndQuery { get; }

    /// <summary>The limit that was exceeded, in bytes.</summary>
    public long MaxResponseBytes { get; }
}
