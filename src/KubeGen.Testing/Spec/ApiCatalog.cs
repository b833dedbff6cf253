using System.Text.Json;
using KubeGen.Shared;

namespace KubeGen.Testing.Spec;

/// <summary>
/// The resources, kinds and patch metadata of one or more Swagger 2.0 specs (the document a
/// cluster serves at <c>/openapi/v2</c>).
/// </summary>
internal sealed class ApiCatalog
{
    private static readonly Dictionary<string, string[]> KnownShortNames = new(StringComparer.Ordinal)
    {
        ["/pods"] = ["po"], ["/services"] = ["svc"], ["/configmaps"] = ["cm"], ["/namespaces"] = ["ns"],
        ["/nodes"] = ["no"], ["/events"] = ["ev"], ["/endpoints"] = ["ep"], ["/serviceaccounts"] = ["sa"],
        ["/persistentvolumeclaims"] = ["pvc"], ["/persistentvolumes"] = ["pv"], ["/replicationcontrollers"] = ["rc"],
        ["/limitranges"] = ["limits"], ["/resourcequotas"] = ["quota"],
        ["apps/deployments"] = ["deploy"], ["apps/replicasets"] = ["rs"], ["apps/daemonsets"] = ["ds"],
        ["apps/statefulsets"] = ["sts"], ["batch/cronjobs"] = ["cj"], ["autoscaling/horizontalpodautoscalers"] = ["hpa"],
        ["networking.k8s.io/ingresses"] = ["ing"], ["networking.k8s.io/networkpolicies"] = ["netpol"],
        ["events.k8s.io/events"] = ["ev"], ["policy/poddisruptionbudgets"] = ["pdb"],
        ["scheduling.k8s.io/priorityclasses"] = ["pc"], ["storage.k8s.io/storageclasses"] = ["sc"],
        ["certificates.k8s.io/certificatesigningrequests"] = ["csr"],
        ["apiextensions.k8s.io/customresourcedefinitions"] = ["crd", "crds"],
    };

    private static readonly HashSet<string> AllCategory = new(StringComparer.Ordinal)
    {
        "/pods", "/services", "/replicationcontrollers", "apps/deployments", "apps/replicasets", "apps/daemonsets",
        "apps/statefulsets", "batch/jobs", "batch/cronjobs", "autoscaling/horizontalpodautoscalers",
    };

    // Built while loading, then replaced whole (never changed in place) when a CRD comes or goes,
    // so that requests read a consistent snapshot without a lock.
    private Dictionary<ResourceKey, ApiResource> _byKey = [];
    private readonly Lock _changing = new();
    private readonly List<JsonDocument> _documents = [];

    private ApiCatalog()
    {
    }

    public IReadOnlyCollection<ApiResource> Resources => _byKey.Values;

    /// <summary>Counts the changes since loading (CRDs served or no longer served); derived documents are rebuilt when it moves.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    private long _generation;

    /// <summary>
    /// Serves the resources of one CRD instead of the ones it served before (none: it is gone). A
    /// resource the spec or another CRD already serves is not taken over.
    /// </summary>
    /// <returns>The resources that could not be served, because another owner has their name.</returns>
    public List<ApiResource> ServeDefinedBy(string crdName, IReadOnlyList<ApiResource> resources)
    {
        lock (_changing)
        {
            var next = new Dictionary<ResourceKey, ApiResource>(_byKey.Where(p => p.Value.DefinedBy != crdName));
            var refused = new List<ApiResource>();
            foreach (ApiResource resource in resources)
            {
                if (!next.TryAdd(resource.Key, resource))
                {
                    refused.Add(resource);
                }
            }

            _byKey = next;
            Interlocked.Increment(ref _generation);
            return refused;
        }
    }

    public SchemaIndex Schemas { get; } = new();

    /// <summary>The <c>info.version</c> of the first spec, e.g. <c>v1.36.0</c> or <c>unversioned</c>.</summary>
    public string SpecVersion { get; private set; } = "unversioned";

    /// <summary>OpenAPI 3 group-version documents derived from the specs (first spec wins per key).</summary>
    public Dictionary<string, byte[]> DeriveOpenApiV3()
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (JsonDocument document in _documents)
        {
            foreach ((string key, System.Text.Json.Nodes.JsonObject doc) in OpenApiV3Converter.Convert(document.RootElement))
            {
                result.TryAdd(key, Http.ApiHandler.Serialize(doc));
            }
        }

        return result;
    }

    public ApiResource? Find(string group, string version, string plural)
        => _byKey.GetValueOrDefault(new ResourceKey(group, version, plural));

    /// <summary>Group names in discovery order (core excluded) with their versions, preferred first.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var groups = new List<(string, IReadOnlyList<string>)>();
        foreach (IGrouping<string, ApiResource> g in _byKey.Values.Where(r => r.Group.Length > 0).GroupBy(r => r.Group).OrderBy(g => GroupOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            List<string> versions = g.Select(r => r.Version).Distinct().OrderBy(v => v, VersionComparer.Instance).ToList();
            groups.Add((g.Key, versions));
        }

        return groups;
    }

    public IEnumerable<ApiResource> InGroupVersion(string group, string version)
        => _byKey.Values.Where(r => r.Group == group && r.Version == version).OrderBy(r => r.Plural, StringComparer.Ordinal);

    public bool HasGroupVersion(string group, string version) => _byKey.Keys.Any(k => k.Group == group && k.Version == version);

    /// <summary>Finds the served resource for a kind (used for seeding).</summary>
    public ApiResource? FindByKind(string apiVersion, string kind)
    {
        int slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        string group = slash < 0 ? "" : apiVersion[..slash];
        string version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        return _byKey.Values.Where(r => r.Group == group && r.Version == version && r.Kind == kind && r.Verbs.Contains("get"))
            .OrderBy(r => r.Plural.Length).FirstOrDefault();
    }

    public static ApiCatalog Load(IEnumerable<byte[]> specs)
    {
        var catalog = new ApiCatalog();
        bool first = true;
        foreach (byte[] spec in specs)
        {
            JsonDocument document = JsonDocument.Parse(spec, new JsonDocumentOptions { MaxDepth = 512 });
            catalog._documents.Add(document);
            catalog.Read(document.RootElement, first);
            first = false;
        }

        catalog.AddSynthetic();
        return catalog;
    }

    private void Read(JsonElement root, bool first)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("swagger", out _))
        {
            throw new InvalidDataException("The spec is not a Swagger 2.0 document (no \"swagger\" key); give the document a cluster serves at /openapi/v2.");
        }

        if (first && root.TryGetProperty("info", out JsonElement info) && info.TryGetProperty("version", out JsonElement version) && version.ValueKind == JsonValueKind.String)
        {
            SpecVersion = version.GetString()!;
        }

        if (root.TryGetProperty("definitions", out JsonElement definitions))
        {
            Schemas.AddDefinitions(definitions);
        }

        if (!root.TryGetProperty("paths", out JsonElement paths))
        {
            return;
        }

        // Path templates read by the shared grammar; the ones it refuses are not resource paths the
        // emulator can serve (discovery roots, /logs/{logpath}, malformed names).
        var templates = new List<(KubeApiPath Shape, JsonElement Operations)>();
        foreach (JsonProperty path in paths.EnumerateObject())
        {
            if (KubeApiPath.ParseTemplate(path.Name, out _) is KubeApiPath shape)
            {
                templates.Add((shape, path.Value));
            }
        }

        // Plurals that have a /namespaces/{namespace}/ form: their cluster-shaped collection path
        // (/api/v1/pods) is the list across all namespaces, not a cluster-scoped resource.
        var namespacedPlurals = new HashSet<ResourceKey>(templates.Where(t => t.Shape.IsNamespacedPath).Select(t => KeyOf(t.Shape)));
        foreach ((KubeApiPath shape, JsonElement operations) in templates)
        {
            bool allNamespaces = !shape.IsNamespacedPath && shape.Name is null && namespacedPlurals.Contains(KeyOf(shape));
            foreach (JsonProperty operation in operations.EnumerateObject())
            {
                if (operation.Value.ValueKind != JsonValueKind.Object
                    || !operation.Value.TryGetProperty("x-kubernetes-action", out JsonElement actionElement))
                {
                    continue;
                }

                string action = actionElement.GetString() ?? "";
                (string gvkGroup, string gvkVersion, string gvkKind) = ReadGvk(operation.Value);
                ApplyOperation(shape, allNamespaces, action, operation.Value, gvkGroup, gvkVersion, gvkKind);
            }
        }
    }

    private static ResourceKey KeyOf(KubeApiPath shape) => new(shape.Group, shape.Version, shape.Resource!);

    private static (string Group, string Version, string Kind) ReadGvk(JsonElement operation)
    {
        if (operation.TryGetProperty("x-kubernetes-group-version-kind", out JsonElement gvk) && gvk.ValueKind == JsonValueKind.Object)
        {
            return (Str(gvk, "group"), Str(gvk, "version"), Str(gvk, "kind"));
        }

        return ("", "", "");
    }

    private static string Str(JsonElement element, string name)
        => element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    /// <summary>
    /// Adds what one operation of a path template says about its resource. <c>allNamespaces</c>: the
    /// template is the across-all-namespaces list of a namespaced resource (<c>/api/v1/pods</c>).
    /// </summary>
    private void ApplyOperation(KubeApiPath shape, bool allNamespaces, string action, JsonElement operation, string gvkGroup, string gvkVersion, string gvkKind)
    {
        if (action == "connect" || shape.WatchPrefix)
        {
            return;
        }

        ResourceKey key = KeyOf(shape);
        string plural = key.Plural;
        bool hasName = shape.Name is not null;
        if (shape.Subresource is null)
        {
            if (gvkKind.Length == 0)
            {
                return;
            }

            if (!_byKey.TryGetValue(key, out ApiResource? resource))
            {
                resource = new ApiResource { Group = shape.Group, Version = shape.Version, Plural = plural, Kind = gvkKind };
                string known = shape.Group + "/" + plural;
                resource.ShortNames = KnownShortNames.GetValueOrDefault(known) ?? [];
                resource.Categories = AllCategory.Contains(known) ? ["all"] : [];
                resource.DefinitionName = Schemas.FindDefinition(gvkGroup, gvkVersion, gvkKind);
                _byKey[key] = resource;
            }

            if (shape.IsNamespacedPath)
            {
                resource.Namespaced = true;
            }

            if (allNamespaces)
            {
                // /api/v1/pods: list across namespaces; the resource is namespaced.
                resource.Namespaced = true;
                return;
            }

            string? verb = (action, hasName) switch
            {
                ("get", true) => "get",
                ("list", false) => "list",
                ("post", false) => "create",
                ("put", true) => "update",
                ("patch", true) => "patch",
                ("delete", true) => "delete",
                ("deletecollection", false) => "deletecollection",
                ("watch", _) => "watch",
                ("watchlist", _) => "watch",
                _ => null,
            };
            if (verb is null)
            {
                return;
            }

            resource.Verbs.Add(verb);
            if (verb == "list")
            {
                resource.Verbs.Add("watch");
            }

            if (verb == "delete")
            {
                resource.DeleteReturnsStatus = ReturnsStatus(operation);
            }

            if (verb == "patch")
            {
                resource.SupportsStrategicMerge = Consumes(operation, "application/strategic-merge-patch+json");
            }
        }
        else
        {
            if (!_byKey.TryGetValue(key, out ApiResource? resource))
            {
                // Subresource paths sort after their parent in every real spec; tolerate the opposite.
                resource = new ApiResource { Group = shape.Group, Version = shape.Version, Plural = plural, Kind = gvkKind };
                _byKey[key] = resource;
            }

            if (shape.IsNamespacedPath)
            {
                resource.Namespaced = true;
            }

            if (!resource.Subresources.TryGetValue(shape.Subresource, out ApiSubresource? sub))
            {
                sub = new ApiSubresource { Name = shape.Subresource, Group = gvkGroup, Version = gvkVersion, Kind = gvkKind.Length > 0 ? gvkKind : resource.Kind };
                resource.Subresources[shape.Subresource] = sub;
            }

            string? verb = action switch
            {
                "get" => "get",
                "put" => "update",
                "patch" => "patch",
                "post" => "create",
                "delete" => "delete",
                _ => null,
            };
            if (verb is not null)
            {
                sub.Verbs.Add(verb);
            }

        }
    }

    private static bool ReturnsStatus(JsonElement operation)
    {
        if (operation.TryGetProperty("responses", out JsonElement responses)
            && responses.TryGetProperty("200", out JsonElement ok)
            && ok.TryGetProperty("schema", out JsonElement schema)
            && schema.TryGetProperty("$ref", out JsonElement reference))
        {
            return reference.GetString()?.EndsWith(".meta.v1.Status", StringComparison.Ordinal) == true;
        }

        return true;
    }

    private static bool Consumes(JsonElement operation, string mediaType)
    {
        if (operation.TryGetProperty("consumes", out JsonElement consumes) && consumes.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in consumes.EnumerateArray())
            {
                if (item.GetString() == mediaType)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The resources every kube-apiserver serves, added when the spec lacks them (a trimmed spec):
    /// the access reviews kubectl's <c>auth can-i</c> posts, CustomResourceDefinitions (so a test can
    /// install an operator's CRDs), and RBAC's roles and bindings (evaluated by the authorizer). They
    /// have no schema here, so nothing in them is pruned, defaulted or type-checked.
    /// </summary>
    private void AddSynthetic()
    {
        AddSynthetic("authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview", namespaced: false, reviewOnly: true, "io.k8s.api.authorization.v1");
        AddSynthetic("authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview", namespaced: false, reviewOnly: true, "io.k8s.api.authorization.v1");
        ApiResource? crds = AddSynthetic("apiextensions.k8s.io", "customresourcedefinitions", "CustomResourceDefinition", namespaced: false, reviewOnly: false, "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1");
        if (crds is not null)
        {
            var status = new ApiSubresource { Name = "status", Group = crds.Group, Version = crds.Version, Kind = crds.Kind };
            foreach (string verb in new[] { "get", "update", "patch" })
            {
                status.Verbs.Add(verb);
            }

            crds.Subresources["status"] = status;
            crds.Categories = ["api-extensions"];
        }

        AddSynthetic("rbac.authorization.k8s.io", "roles", "Role", namespaced: true, reviewOnly: false, "io.k8s.api.rbac.v1");
        AddSynthetic("rbac.authorization.k8s.io", "rolebindings", "RoleBinding", namespaced: true, reviewOnly: false, "io.k8s.api.rbac.v1");
        AddSynthetic("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", namespaced: false, reviewOnly: false, "io.k8s.api.rbac.v1");
        AddSynthetic("rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", namespaced: false, reviewOnly: false, "io.k8s.api.rbac.v1");
    }

    /// <summary>Adds one resource the spec lacks; <paramref name="package"/> is where kube-apiserver's definitions of the group live, so the definition is named as there, though this spec has none.</summary>
    private ApiResource? AddSynthetic(string group, string plural, string kind, bool namespaced, bool reviewOnly, string package)
    {
        var key = new ResourceKey(group, "v1", plural);
        if (_byKey.ContainsKey(key))
        {
            return null;
        }

        var resource = new ApiResource
        {
            Group = group,
            Version = "v1",
            Plural = plural,
            Kind = kind,
            Namespaced = namespaced,
            Synthetic = true,
            DefinitionName = package + "." + kind,
            SupportsStrategicMerge = !reviewOnly,
            ShortNames = KnownShortNames.GetValueOrDefault(group + "/" + plural) ?? [],
        };
        foreach (string verb in reviewOnly ? ["create"] : new[] { "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch" })
        {
            resource.Verbs.Add(verb);
        }

        _byKey[key] = resource;
        return resource;
    }

    /// <summary>Orders groups roughly the way kube-apiserver lists them: built-in groups first.</summary>
    private static int GroupOrder(string group) => group.EndsWith(".k8s.io", StringComparison.Ordinal) || !group.Contains('.', StringComparison.Ordinal) ? 0 : 1;
}

/// <summary>Kubernetes version priority: GA > beta > alpha, then the higher number; others last.</summary>
internal sealed class VersionComparer : IComparer<string>
{
    public static readonly VersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        (int kx, int mx, int nx) = Rank(x ?? "");
        (int ky, int my, int ny) = Rank(y ?? "");
        if (kx != ky)
        {
            return kx.CompareTo(ky);
        }

        if (mx != my)
        {
            return my.CompareTo(mx);
        }

        if (nx != ny)
        {
            return ny.CompareTo(nx);
        }

        return string.CompareOrdinal(x, y);
    }

    private static (int Kind, int Major, int Minor) Rank(string v)
    {
        if (v.Length < 2 || v[0] != 'v' || !char.IsAsciiDigit(v[1]))
        {
            return (3, 0, 0);
        }

        int i = 1;
        int major = 0;
        while (i < v.Length && char.IsAsciiDigit(v[i]))
        {
            major = (major * 10) + (v[i++] - '0');
        }

        if (i == v.Length)
        {
            return (0, major, 0);
        }

        string rest = v[i..];
        int kind = rest.StartsWith("beta", StringComparison.Ordinal) ? 1 : rest.StartsWith("alpha", StringComparison.Ordinal) ? 2 : 3;
        string digits = kind == 1 ? rest[4..] : kind == 2 ? rest[5..] : "";
        _ = int.TryParse(digits, out int minor);
        return (kind, major, minor);
    }
}
