using System.Security.Cryptography;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

internal sealed partial class ApiHandler
{
    private const string AggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private const string AggregatedV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    private async Task<bool> TryDiscoveryAsync(HttpContext context, RequestInfo info)
    {
        if (context.Request.Method != "GET")
        {
            return false;
        }

        string trimmed = info.Path.TrimEnd('/');
        switch (trimmed)
        {
            case "/api":
                if (AggregatedVersion(context) is string apiVersion)
                {
                    await WriteJsonAsync(context, 200, Aggregated(core: true, apiVersion), apiVersion.EndsWith("v2", StringComparison.Ordinal) ? AggregatedV2 : AggregatedV2Beta1);
                }
                else
                {
                    await WriteJsonAsync(context, 200, new JsonObject
                    {
                        ["kind"] = "APIVersions",
                        ["versions"] = new JsonArray(_catalog.Resources.Where(r => r.Group.Length == 0).Select(r => r.Version).Distinct().OrderBy(v => v, VersionComparer.Instance).Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
                        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = ServerAddress }),
                    });
                }

                return true;
            case "/apis":
                if (AggregatedVersion(context) is string apisVersion)
                {
                    await WriteJsonAsync(context, 200, Aggregated(core: false, apisVersion), apisVersion.EndsWith("v2", StringComparison.Ordinal) ? AggregatedV2 : AggregatedV2Beta1);
                }
                else
                {
                    var groups = new JsonArray();
                    foreach ((string group, IReadOnlyList<string> versions) in _catalog.Groups())
                    {
                        groups.Add(ApiGroup(group, versions, withTypeMeta: false));
                    }

                    await WriteJsonAsync(context, 200, new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups });
                }

                return true;
            case "/openapi/v2":
                byte[] v2 = OpenApiV2 ?? throw StatusErrors.PathNotFound();
                CheckAcceptable(context);
                await WriteBytesAsync(context, 200, "application/json", v2);
                return true;
            case "/openapi/v3":
            {
                if (OpenApiV3.Count == 0)
                {
                    throw StatusErrors.PathNotFound();
                }

                var paths = new JsonObject();
                foreach ((string key, byte[] document) in OpenApiV3.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(document)}" };
                }

                await WriteJsonAsync(context, 200, new JsonObject { ["paths"] = paths });
                return true;
            }
        }

        if (trimmed.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            string key = trimmed["/openapi/v3/".Length..];
            if (!OpenApiV3.TryGetValue(key, out byte[]? document))
            {
                throw StatusErrors.PathNotFound();
            }

            CheckAcceptable(context);
            await WriteBytesAsync(context, 200, "application/json", document);
            return true;
        }

        // A group-version root (/api/v1, /apis/apps/v1), as the one path grammar reads it.
        if (info.ApiPath is { Resource: null } root && _catalog.HasGroupVersion(root.Group, root.Version))
        {
            await WriteJsonAsync(context, 200, ResourceList(root.Group, root.Version));
            return true;
        }

        // A group (/apis/apps): not a resource path, so outside that grammar.
        string[] segments = trimmed.Trim('/').Split('/');
        if (segments.Length == 2 && segments[0] == "apis")
        {
            (string Group, IReadOnlyList<string> Versions) match = _catalog.Groups().FirstOrDefault(g => g.Group == segments[1]);
            if (match.Group is null)
            {
                throw StatusErrors.PathNotFound();
            }

            await WriteJsonAsync(context, 200, ApiGroup(match.Group, match.Versions, withTypeMeta: true));
            return true;
        }

        return false;
    }

    private static string Hash(byte[] document) => Convert.ToHexString(SHA512.HashData(document));

    /// <summary>The aggregated discovery apiVersion the client accepts, or null for the legacy documents.</summary>
    private static string? AggregatedVersion(HttpContext context)
    {
        string accept = context.Request.Headers.Accept.ToString();
        foreach (string part in accept.Split(','))
        {
            string p = part.Replace(" ", "", StringComparison.Ordinal);
            if (!p.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal) || !p.Contains("g=apidiscovery.k8s.io", StringComparison.Ordinal))
            {
                continue;
            }

            if (p.Contains("v=v2beta1", StringComparison.Ordinal))
            {
                return "apidiscovery.k8s.io/v2beta1";
            }

            if (p.Contains("v=v2", StringComparison.Ordinal))
            {
                return "apidiscovery.k8s.io/v2";
            }
        }

        return null;
    }

    private static JsonObject ApiGroup(string group, IReadOnlyList<string> versions, bool withTypeMeta)
    {
        var list = new JsonArray();
        foreach (string version in versions)
        {
            list.Add(new JsonObject { ["groupVersion"] = group + "/" + version, ["version"] = version });
        }

        var result = new JsonObject();
        if (withTypeMeta)
        {
            result["kind"] = "APIGroup";
            result["apiVersion"] = "v1";
        }

        result["name"] = group;
        result["versions"] = list;
        result["preferredVersion"] = new JsonObject { ["groupVersion"] = group + "/" + versions[0], ["version"] = versions[0] };
        return result;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private JsonObject ResourceList(string group, string version)
    {
        var resources = new JsonArray();
        foreach (ApiResource r in _catalog.InGroupVersion(group, version))
        {
            var entry = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.SingularName,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = Strings(r.Verbs),
            };
            if (r.ShortNames.Length > 0)
            {
                entry["shortNames"] = Strings(r.ShortNames);
            }

            if (r.Categories.Length > 0)
            {
                entry["categories"] = Strings(r.Categories);
            }

            resources.Add(entry);
            foreach (ApiSubresource sub in r.Subresources.Values)
            {
                var subEntry = new JsonObject
                {
                    ["name"] = r.Plural + "/" + sub.Name,
                    ["singularName"] = "",
                    ["namespaced"] = r.Namespaced,
                };
                if (sub.Group != r.Group || sub.Version != r.Version)
                {
                    subEntry["group"] = sub.Group;
                    subEntry["version"] = sub.Version;
                }

                subEntry["kind"] = sub.Kind;
                subEntry["verbs"] = Strings(sub.Verbs);
                resources.Add(subEntry);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = resources,
        };
    }

    private JsonObject Aggregated(bool core, string apiVersion)
    {
        var items = new JsonArray();
        IEnumerable<(string Group, IReadOnlyList<string> Versions)> groups = core
            ? [("", _catalog.Resources.Where(r => r.Group.Length == 0).Select(r => r.Version).Distinct().OrderBy(v => v, VersionComparer.Instance).ToList())]
            : _catalog.Groups();
        foreach ((string group, IReadOnlyList<string> versions) in groups)
        {
            if (versions.Count == 0)
            {
                continue;
            }

            var versionList = new JsonArray();
            foreach (string version in versions)
            {
                var resources = new JsonArray();
                foreach (ApiResource r in _catalog.InGroupVersion(group, version))
                {
                    var entry = new JsonObject
                    {
                        ["resource"] = r.Plural,
                        ["responseKind"] = new JsonObject { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind },
                        ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
                        ["singularResource"] = r.SingularName,
                        ["verbs"] = Strings(r.Verbs),
                    };
                    if (r.ShortNames.Length > 0)
                    {
                        entry["shortNames"] = Strings(r.ShortNames);
                    }

                    if (r.Categories.Length > 0)
                    {
                        entry["categories"] = Strings(r.Categories);
                    }

                    if (r.Subresources.Count > 0)
                    {
                        var subs = new JsonArray();
                        foreach (ApiSubresource sub in r.Subresources.Values)
                        {
                            subs.Add(new JsonObject
                            {
                                ["subresource"] = sub.Name,
                                ["responseKind"] = new JsonObject { ["group"] = sub.Group, ["version"] = sub.Version, ["kind"] = sub.Kind },
                                ["verbs"] = Strings(sub.Verbs),
                            });
                        }

                        entry["subresources"] = subs;
                    }

                    resources.Add(entry);
                }

                versionList.Add(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" });
            }

            var metadata = new JsonObject { ["creationTimestamp"] = null };
            if (group.Length > 0)
            {
                metadata = new JsonObject { ["name"] = group, ["creationTimestamp"] = null };
            }

            items.Add(new JsonObject { ["metadata"] = metadata, ["versions"] = versionList });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = apiVersion,
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }
}
