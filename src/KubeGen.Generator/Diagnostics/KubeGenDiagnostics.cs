using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace KubeGen.Generator.Diagnostics;

/// <summary>Every diagnostic KubeGen reports. Each one is documented in docs/diagnostics.md, which its help link opens.</summary>
internal static class KubeGenDiagnostics
{
    private const string Category = "KubeGen";

    /// <summary>
    /// Each diagnostic's help page: its section of docs/diagnostics.md (the heading is the ID, so the
    /// anchor is the lower-case ID). IDs use the prefix KGEN, which no other generator or analyzer uses.
    /// </summary>
    public const string HelpLinkBase = "https://github.com/kubegen/kubegen/blob/main/docs/diagnostics.md#";


    public static readonly DiagnosticDescriptor SpecUnreadable = Error(
        "KGEN0001",
        "OpenAPI spec cannot be read",
        "The OpenAPI spec '{0}' of a KubernetesApi item cannot be read: {1}");

    public static readonly DiagnosticDescriptor SpecNotJson = Error(
        "KGEN0002",
        "OpenAPI spec is not valid JSON",
        "The OpenAPI spec '{0}' is not valid JSON: {1}");

    public static readonly DiagnosticDescriptor SpecNotOpenApi = Error(
        "KGEN0003",
        "File is not an OpenAPI document",
        "'{0}' is not an OpenAPI document: {1}. Fetch it with 'kubectl get --raw /openapi/v2' or a '/openapi/v3/apis/<group>/<version>' document.");

    public static readonly DiagnosticDescriptor UnknownResource = Error(
        "KGEN0004",
        "Selected resource is not in the spec",
        "The resource '{0}' selected for client '{1}' is not served by the spec{2}");

    public static readonly DiagnosticDescriptor UnknownVerb = Error(
        "KGEN0005",
        "Selected verb is not available",
        "The verb '{0}' selected for '{1}' is not served by the spec; available verbs: {2}");

    public static readonly DiagnosticDescriptor VersionChosen = Info(
        "KGEN0006",
        "Resource version chosen",
        "'{0}' is served in several versions ({1}); using {2}. Write '{3}' to pick another version explicitly.");

    public static readonly DiagnosticDescriptor AmbiguousResource = Error(
        "KGEN0007",
        "Selected resource is ambiguous",
        "'{0}' matches resources in several API groups ({1}); add the group, e.g. '{2}'");

    public static readonly DiagnosticDescriptor NameCollision = Warning(
        "KGEN0008",
        "Generated name collision",
        "{0} '{1}' collides with another generated name; it is emitted as '{2}'");

    public static readonly DiagnosticDescriptor UnmappableSchema = Warning(
        "KGEN0009",
        "Schema cannot be mapped to a C# type",
        "The schema of '{0}' cannot be mapped to a C# type ({1}); it is exposed as raw JSON (System.Text.Json.JsonElement)");

    public static readonly DiagnosticDescriptor InvalidSelector = Error(
        "KGEN0010",
        "Resource selector is invalid",
        "The Resources selector entry '{0}' is invalid: {1}. Expected 'plural[.group][/version][/subresource][:verb,verb]' entries separated by ';'");

    public static readonly DiagnosticDescriptor MissingDefinition = Warning(
        "KGEN0011",
        "Referenced definition is missing",
        "'{0}' references '{1}', which the spec does not define; the value is exposed as raw JSON (System.Text.Json.JsonElement)");

    public static readonly DiagnosticDescriptor InvalidIdentifier = Error(
        "KGEN0012",
        "Invalid namespace or client name",
        "The {0} '{1}' of a KubernetesApi item is not a valid C# {2}");

    public static readonly DiagnosticDescriptor NoResources = Warning(
        "KGEN0013",
        "Spec serves no resources",
        "The spec '{0}' has no Kubernetes resource operations (no paths with x-kubernetes-action); no client members are generated");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "KGEN0014",
        "KubeGen failed unexpectedly",
        "KubeGen failed unexpectedly while {0}: {1}. Please report this with the spec that caused it.");

    public static readonly DiagnosticDescriptor ConflictingSelectors = Warning(
        "KGEN0015",
        "KubernetesApi items of one client disagree",
        "The KubernetesApi items of client '{0}' have different Resources selectors; their union is used");

    public static readonly DiagnosticDescriptor SharedNamespace = Error(
        "KGEN0016",
        "Two clients share a namespace",
        "The clients {1} are generated into the same namespace '{0}', so their model types would collide; give each KubernetesApi client its own Namespace (or the same ClientName to merge them)");

    public static readonly DiagnosticDescriptor PathRefused = Warning(
        "KGEN0017",
        "Spec path is outside the Kubernetes path grammar",
        "The spec path '{0}' is not used: {1}. Only {{namespace}}, {{name}} and a proxy's {{path}} may be placeholders, and groups, versions, resources and subresources must be Kubernetes names.");

    public static readonly DiagnosticDescriptor SchemaTooDeep = Warning(
        "KGEN0018",
        "Schema nests too deeply",
        "The schema of '{0}' nests arrays, maps or $ref aliases more than {1} levels deep; it is exposed as raw JSON (System.Text.Json.JsonElement)");

    public static readonly DiagnosticDescriptor DuplicateProperty = Warning(
        "KGEN0019",
        "Schema declares a property twice",
        "The schema of '{0}' declares the property '{1}' more than once; the last declaration is used, as JSON readers do");

    public static readonly DiagnosticDescriptor ClusterLacksSelection = Error(
        "KGEN0020",
        "A cluster does not serve what is selected",
        "'{0}', selected for client '{1}', is served by {2} but not by cluster {3}; select what every cluster serves, or mark it optional for that cluster (Optional=\"{0}\" on its KubernetesApi item)");

    public static readonly DiagnosticDescriptor OptionalSelectionMissing = Info(
        "KGEN0021",
        "An optional selection is missing from a cluster",
        "'{0}' is not served by cluster {1} (optional there); the members it gives are marked as served by {2} only");

    public static readonly DiagnosticDescriptor ClusterSpecificMemberUsed = Warning(
        "KGEN0022",
        "A member some clusters do not serve is used",
        "'{0}' is not served by {1} (only by {2}): against that cluster the call fails or the value is ignored");

    public static readonly DiagnosticDescriptor ClusterTypeConflict = Warning(
        "KGEN0023",
        "A field's type differs between clusters",
        "'{0}' is {1} in {2} but {3} in {4}; it is generated as {5}");

    public static readonly DiagnosticDescriptor ClusterNamesMixed = Error(
        "KGEN0024",
        "Some items of a client name no cluster",
        "The KubernetesApi items of client '{0}' name the clusters {1}, but '{2}' names none; give every item of a client of several clusters its Cluster");

    public static readonly DiagnosticDescriptor SurfaceChanged = Warning(
        "KGEN0025",
        "The selected surface changed since the spec lock",
        "The selected surface of {0} changed since the spec lock ({1}): {2}; review it, then update the lock with 'dotnet build -t:KubeGenUpdateLock'");

    public static readonly DiagnosticDescriptor SpecLockChanged = Info(
        "KGEN0026",
        "The spec lock is out of date",
        "The spec lock is out of date for {0}: {1}; update it with 'dotnet build -t:KubeGenUpdateLock'");

    public static readonly DiagnosticDescriptor SpecLockUnreadable = Warning(
        "KGEN0027",
        "The spec lock cannot be read",
        "The spec lock '{0}' cannot be read at line {1}: {2}; write it again with 'dotnet build -t:KubeGenUpdateLock'");

    public static readonly DiagnosticDescriptor UnknownSubresource = Error(
        "KGEN0029",
        "Selected subresource is not available",
        "'{0}' selects the subresource '{1}', which {2}");

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = typeof(KubeGenDiagnostics)
        .GetFields()
        .Select(field => field.GetValue(null))
        .OfType<DiagnosticDescriptor>()
        .ToDictionary(descriptor => descriptor.Id);

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values.OrderBy(d => d.Id, System.StringComparer.Ordinal);

    private static DiagnosticDescriptor Error(string id, string title, string message)
        => Create(id, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string title, string message)
        => Create(id, title, message, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Info(string id, string title, string message)
        => Create(id, title, message, DiagnosticSeverity.Info);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity)
        => new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());
}
