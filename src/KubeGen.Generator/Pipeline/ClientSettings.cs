using KubeGen.Generator.Model;

namespace KubeGen.Generator.Pipeline;

/// <summary>The metadata of one KubernetesApi item, as pipeline data.</summary>
internal sealed record ClientSettings(string SpecPath, string RootNamespace, string ClientName, string? Resources);

/// <summary>One client to generate: its settings and the spec files (several OpenAPI v3 documents merge into one client).</summary>
internal sealed record ClientRequest(
    string RootNamespace,
    string ClientName,
    ImmutableEquatableArray<string> SpecPaths,
    ImmutableEquatableArray<string> Selectors);
