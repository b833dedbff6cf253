using System.Globalization;

namespace KubeGen.Generator.OpenApi;

/// <summary>
/// The equality key of a spec's content. The driver's cache lives in one process, so a
/// cryptographic checksum (SHA-1 over 4 MB, ~20 ms in a cold compiler) buys nothing over a
/// 64-bit FNV-1a hash plus the length.
/// </summary>
internal static class ContentHash
{
    public static string Of(string text)
    {
        const ulong offsetBasis = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offsetBasis;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * prime);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture) + ":" + text.Length.ToString(CultureInfo.InvariantCulture);
    }
}
