using System.Text;
using System.Text.Json;

namespace KubeGen.FetchSpec;

/// <summary>
/// The sidecar beside a fetched spec: which documents were fetched and the server's <c>/version</c> as it answered. It has no
/// time stamp, so refetching an unchanged cluster changes no file; the spec lock reads the version from here.
/// </summary>
internal static class ServerVersionFile
{
    public static void Write(string path, string openApi, IReadOnlyList<string> documents, string versionJson)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("openapi", openApi);
            json.WriteStartArray("documents");
            foreach (string document in documents)
            {
                json.WriteStringValue(document);
            }

            json.WriteEndArray();
            json.WritePropertyName("serverVersion");
            using (JsonDocument version = JsonDocument.Parse(versionJson))
            {
                version.RootElement.WriteTo(json);
            }

            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        AtomicFile.Write(path, buffer.ToArray());
    }

    /// <summary>The <c>gitVersion</c> of a sidecar written before, or null.</summary>
    public static string? ReadGitVersion(string path)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.TryGetProperty("serverVersion", out JsonElement version) ? GitVersionOf(version) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string? GitVersionOf(string versionJson)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(Encoding.UTF8.GetBytes(versionJson));
            return GitVersionOf(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? GitVersionOf(JsonElement version)
        => version.ValueKind == JsonValueKind.Object && version.TryGetProperty("gitVersion", out JsonElement git) ? git.GetString() : null;
}
