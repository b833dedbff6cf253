namespace KubeGen.Generator.Tests.Infrastructure;

/// <summary>A KubernetesApi item as a test declares it: the spec (path and text) and the item metadata.</summary>
internal sealed record KubernetesApiItem(string Path, string? Text, string? Resources = null, string? Namespace = "Test.Kube", string? ClientName = null, string? Cluster = null, string? Optional = null)
{
    public static KubernetesApiItem FromFile(string path, string? resources = null, string? ns = "Test.Kube", string? clientName = null)
        => new(path, File.ReadAllText(path), resources, ns, clientName);
}
