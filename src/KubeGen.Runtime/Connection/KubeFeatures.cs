using System.Diagnostics.CodeAnalysis;

namespace KubeGen.Runtime;

/// <summary>
/// Build-time switches of the runtime. Each is an AppContext switch that the KubeGen package sets from an
/// MSBuild property with <c>Trim="true"</c>, so a Native AOT publish drops the code behind a switch that is off.
/// </summary>
public static class KubeFeatures
{
    /// <summary>The AppContext switch behind <see cref="HttpCompression"/> (MSBuild: <c>KubeGenHttpCompression</c>).</summary>
    public const string HttpCompressionSwitch = "KubeGen.Http.Compression";

    /// <summary>
    /// Whether connections ask for gzip/deflate responses and decompress them. Off by default: the API
    /// server compresses only large responses, in-cluster networks are fast, and the decompressors
    /// (zlib and Brotli, native, and their managed streams) add about 1.1 MB to a Native AOT binary. Turn it on with
    /// <c>&lt;KubeGenHttpCompression&gt;true&lt;/KubeGenHttpCompression&gt;</c> for large lists over slow links.
    /// </summary>
#if NET9_0_OR_GREATER
    [FeatureSwitchDefinition(HttpCompressionSwitch)]
#endif
    public static bool HttpCompression => AppContext.TryGetSwitch(HttpCompressionSwitch, out bool enabled) && enabled;
}
