using System;
using System.IO;
using System.Text.Json;

namespace KubeGen.Generator.OpenApi;

/// <summary>
/// The file <c>dotnet build -t:KubeGenFetchSpec</c> writes beside a fetched spec: <c>&lt;spec name&gt;.version.json</c>
/// (Swagger 2.0) or <c>version.json</c> (a folder of OpenAPI v3 documents), holding the server's <c>/version</c>.
/// Its <c>gitVersion</c> names the cluster's version better than the spec can: OpenAPI v3 documents and the
/// upstream swagger.json say "unversioned".
/// </summary>
internal static class ServerVersionSidecar
{
    /// <summary>Whether the sidecar at <paramref name="sidecarPath"/> describes the spec at <paramref name="specPath"/>.</summary>
    public static bool Describes(string sidecarPath, string specPath)
    {
        if (!string.Equals(Path.GetDirectoryName(sidecarPath), Path.GetDirectoryName(specPath), StringComparison.Ordinal))
        {
            return false;
        }

        var name = Path.GetFileName(sidecarPath);
        return name == "version.json" || name == Path.GetFileNameWithoutExtension(specPath) + ".version.json";
    }

    /// <summary>
    /// <c>serverVersion.gitVersion</c> of the sidecar's text, or null when it has none or it is not a plain
    /// version ("v1.35.0", "v1.31.4-eks-1a2b3c4", "v1.30.2+k3s1"): the text ends up in diagnostics and the lock.
    /// </summary>
    public static string? Read(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("serverVersion", out var server) && server.ValueKind == JsonValueKind.Object
                && server.TryGetProperty("gitVersion", out var git) && git.ValueKind == JsonValueKind.String
                && git.GetString() is { Length: > 1 and <= 64 } version && IsPlain(version))
            {
                return version;
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static bool IsPlain(string version)
    {
        foreach (var c in version)
        {
            if (!(c is (>= '0' and <= '9') or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '.' or '-' or '+' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
