namespace KubeGen.Runtime.Tests.Controllers;

/// <summary>A minimal kind with the controller metadata, for controller tests without a generated client.</summary>
internal sealed class TestKind : IKubeObject
{
    public TestKind(string name, string? ns = "default", string resourceVersion = "1")
        => Metadata = new TestKindMetadata { Name = name, Namespace = ns, ResourceVersion = resourceVersion };

    public string? ApiVersion { get; set; } = "example.com/v1";

    public string? Kind { get; set; } = "Widget";

    public TestKindMetadata Metadata { get; }

    public IKubeObjectMetadata? ObjectMetadata => Metadata;
}

internal sealed class TestKindMetadata : IKubeControllerMetadata
{
    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public string? ResourceVersion { get; set; }

    public string? Uid { get; set; } = Guid.NewGuid().ToString();

    public long? Generation { get; set; }

    public DateTimeOffset? DeletionTimestamp { get; set; }

    public IDictionary<string, string>? Labels { get; set; }

    public IDictionary<string, string>? Annotations { get; set; }

    public IList<string>? Finalizers { get; set; }

    public List<KubeOwnerReference>? Owners { get; set; }

    public IEnumerable<IKubeOwnerReference>? OwnerReferences => Owners;

    public bool HasManagedFields { get; set; } = true;

    public void ClearManagedFields() => HasManagedFields = false;
}
