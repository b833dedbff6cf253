using System.Text.Json;

namespace KubeGen.Generator.OpenApi;

/// <summary>
/// Which Kubernetes version a spec is of: <c>info.version</c> when it names one (a live API server's
/// <c>/openapi/v2</c>), else a <c>vMAJOR.MINOR.PATCH</c> in the file name, as people name fetched specs
/// (the upstream <c>swagger.json</c> says "unversioned").
/// </summary>
internal static class SpecVersion
{
    public static string? Of(string path, SpecDocument document)
    {
        if (document.Sections.TryGetValue("info", out var slice)
            && document.Element(slice) is { ValueKind: JsonValueKind.Object } info
            && info.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String
            && version.GetString() is { Length: > 0 } text && text != "unversioned" && text.Length <= 64)
        {
            return text;
        }

        return FromFileName(System.IO.Path.GetFileName(path));
    }

    /// <summary>The first "v1.2.3" in a file name (digits only, so nothing odd reaches a message).</summary>
    private static string? FromFileName(string name)
    {
        for (var start = name.IndexOf('v'); start >= 0; start = name.IndexOf('v', start + 1))
        {
            var i = start + 1;
            var dots = 0;
            var digits = 0;
            while (i < name.Length && (char.IsDigit(name[i]) || (name[i] == '.' && digits > 0 && i + 1 < name.Length && char.IsDigit(name[i + 1]))))
            {
                if (name[i] == '.')
                {
                    dots++;
                }
                else
                {
                    digits++;
                }

                i++;
            }

            if (dots == 2)
            {
                return name.Substring(start, i - start);
            }
        }

        return null;
    }
}
