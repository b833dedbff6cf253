using System.Text;
using System.Text.Json;
using KubeGen.Runtime;

namespace KubeGen.FetchSpec;

/// <summary>
/// Downloads the spec of the cluster a <see cref="KubeConnection"/> reaches and writes it into the project: every file
/// goes to a temporary file first and replaces the old one only once it is checked to be an OpenAPI document, so a
/// failed fetch never leaves half a spec. The server's bytes are written as they are.
/// </summary>
internal sealed class SpecFetcher(KubeConnection connection, TextWriter output)
{
    public async Task RunAsync(FetchOptions options, CancellationToken cancellationToken)
    {
        string version = await connection.SendForStringAsync(HttpMethod.Get, "/version", cancellationToken).ConfigureAwait(false);
        if (options.V3)
        {
            await FetchV3Async(options, version, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await FetchV2Async(options.OutPath, version, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FetchV2Async(string file, string version, CancellationToken cancellationToken)
    {
        byte[] spec = Encoding.UTF8.GetBytes(await connection.SendForStringAsync(HttpMethod.Get, "/openapi/v2", cancellationToken).ConfigureAwait(false));
        SpecSummary after = SpecSummary.Of(spec) ?? throw new InvalidDataException("The server's /openapi/v2 is not an OpenAPI document (JSON with a top-level swagger key).");
        SpecSummary? before = File.Exists(file) ? SpecSummary.Of(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)) : null;
        string sidecar = Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file) + ".version.json");
        string? versionBefore = ServerVersionFile.ReadGitVersion(sidecar);

        AtomicFile.Write(file, spec);
        ServerVersionFile.Write(sidecar, "v2", [Path.GetFileName(file)], version);
        output.WriteLine($"wrote {file} and {Path.GetFileName(sidecar)} from {connection.Server.GetLeftPart(UriPartial.Authority)}");
        ChangeReport.Write(output, Path.GetFileName(file), before, after, versionBefore, ServerVersionFile.GitVersionOf(version));
    }

    private async Task FetchV3Async(FetchOptions options, string version, CancellationToken cancellationToken)
    {
        string folder = options.OutPath;
        string index = await connection.SendForStringAsync(HttpMethod.Get, "/openapi/v3", cancellationToken).ConfigureAwait(false);
        Dictionary<string, string> documents = Select(ReadIndex(index), options.GroupVersions);

        SpecSummary? before = null;
        SpecSummary after = SpecSummary.Empty;
        var names = new List<string>();
        var fetched = new List<(string Path, byte[] Bytes)>();
        foreach ((string key, string url) in documents.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            byte[] document = Encoding.UTF8.GetBytes(await connection.SendForStringAsync(HttpMethod.Get, url, cancellationToken).ConfigureAwait(false));
            after = after.Union(SpecSummary.Of(document) ?? throw new InvalidDataException($"The server's {url} is not an OpenAPI document (JSON with a top-level openapi key)."));
            string name = key.Replace("/", "__", StringComparison.Ordinal) + "_openapi.json";
            string path = Path.Combine(folder, name);
            if (File.Exists(path) && SpecSummary.Of(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)) is { } old)
            {
                before = (before ?? SpecSummary.Empty).Union(old);
            }

            names.Add(name);
            fetched.Add((path, document));
        }

        // Written only once every document has arrived and checked out: a fetch is all or nothing.
        string sidecar = Path.Combine(folder, "version.json");
        string? versionBefore = ServerVersionFile.ReadGitVersion(sidecar);
        foreach ((string path, byte[] bytes) in fetched)
        {
            AtomicFile.Write(path, bytes);
        }

        ServerVersionFile.Write(sidecar, "v3", names, version);
        output.WriteLine($"wrote {names.Count} documents and version.json into {folder} from {connection.Server.GetLeftPart(UriPartial.Authority)}");
        ChangeReport.Write(output, Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)) + "/", before, after, versionBefore, ServerVersionFile.GitVersionOf(version));
    }

    /// <summary>The /openapi/v3 index: group-version key (<c>apis/apps/v1</c>) to the document's server-relative URL.</summary>
    private static Dictionary<string, string> ReadIndex(string index)
    {
        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        using JsonDocument json = JsonDocument.Parse(index);
        if (json.RootElement.TryGetProperty("paths", out JsonElement paths) && paths.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty path in paths.EnumerateObject())
            {
                if (path.Value.TryGetProperty("serverRelativeURL", out JsonElement url) && url.GetString() is { Length: > 0 } relative
                    && (path.Name.StartsWith("api/", StringComparison.Ordinal) || path.Name.StartsWith("apis/", StringComparison.Ordinal)))
                {
                    documents[path.Name] = relative;
                }
            }
        }

        return documents;
    }

    private static Dictionary<string, string> Select(Dictionary<string, string> documents, List<string> groupVersions)
    {
        if (groupVersions.Count == 0)
        {
            return documents;
        }

        var selected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string groupVersion in groupVersions)
        {
            // kubectl-style: "v1" is the core group (api/v1), "apps/v1" is apis/apps/v1; the index's own keys work too.
            string key = groupVersion.StartsWith("api/", StringComparison.Ordinal) || groupVersion.StartsWith("apis/", StringComparison.Ordinal) ? groupVersion
                : groupVersion.Contains('/', StringComparison.Ordinal) ? "apis/" + groupVersion
                : "api/" + groupVersion;
            selected[key] = documents.TryGetValue(key, out string? url)
                ? url
                : throw new InvalidDataException($"The server has no OpenAPI v3 document for {groupVersion} ({key}). It has: {string.Join(", ", documents.Keys.Order(StringComparer.Ordinal))}.");
        }

        return selected;
    }
}
