namespace KubeGen.Testing.Spec;

/// <summary>One REST resource the emulator serves, as read from the spec.</summary>
internal sealed class ApiResource
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    /// <summary>The resource name in URLs, e.g. <c>pods</c>.</summary>
    public required string Plural { get; init; }

    public required string Kind { get; init; }

    public bool Namespaced { get; set; }

    /// <summary>RBAC verbs: get, list, watch, create, update, patch, delete, deletecollection.</summary>
    public SortedSet<string> Verbs { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, ApiSubresource> Subresources { get; } = new(StringComparer.Ordinal);

    /// <summary>The definition name of the kind (for patch metadata), if the spec has one.</summary>
    public string? DefinitionName { get; set; }

    /// <summary>Whether a successful delete answers with a <c>Status</c> rather than the object.</summary>
    public bool DeleteReturnsStatus { get; set; } = true;

    /// <summary>Whether the patch operation accepts <c>application/strategic-merge-patch+json</c>.</summary>
    public bool SupportsStrategicMerge { get; set; }

    /// <summary>Set for resources the emulator adds itself (not in the spec).</summary>
    public bool Synthetic { get; init; }

    /// <summary>The name of the CustomResourceDefinition that serves this resource, or null for the spec's own resources.</summary>
    public string? DefinedBy { get; init; }

    /// <summary>Served from a CRD object: pruned, defaulted and validated by its structural schema.</summary>
    public bool IsCustom => DefinedBy is not null;

    /// <summary>The CRD's <c>additionalPrinterColumns</c> for Table output (null: the kind's own layout).</summary>
    public IReadOnlyList<PrinterColumn>? PrinterColumns { get; init; }

    public string[] ShortNames { get; set; } = [];

    public string[] Categories { get; set; } = [];

    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>A CRD's <c>names.singular</c>; built-in resources use the lower-case kind.</summary>
    public string? Singular { get; init; }

    public string SingularName => Singular ?? Kind.ToLowerInvariant();

    public string ListKind => Kind + "List";

    /// <summary>The group-qualified resource as kube-apiserver prints it: <c>pods</c>, <c>deployments.apps</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : Plural + "." + Group;

    /// <summary>The group-qualified kind, as used in Invalid errors: <c>Pod</c>, <c>Deployment.apps</c>.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : Kind + "." + Group;

    public bool HasStatus => Subresources.ContainsKey("status");

    public bool HasScale => Subresources.ContainsKey("scale");

    public ResourceKey Key => new(Group, Version, Plural);

    public override string ToString() => $"{QualifiedResource}/{Version}";
}

/// <summary>A subresource such as <c>status</c> or <c>scale</c>.</summary>
internal sealed class ApiSubresource
{
    public required string Name { get; init; }

    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Kind { get; init; }

    public SortedSet<string> Verbs { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// For a CRD's scale subresource: the JSON paths of the replicas it reads and writes and of the
    /// label selector (<c>.spec.replicas</c>, <c>.status.replicas</c>, <c>.status.selector</c>); null
    /// for the built-in scale, which reads <c>spec.selector</c> too.
    /// </summary>
    public ScalePaths? Scale { get; init; }
}

/// <summary>The JSON paths of a CRD's scale subresource (<c>subresources.scale</c>).</summary>
internal sealed record ScalePaths(string SpecReplicas, string StatusReplicas, string? LabelSelector);

/// <summary>One of a CRD version's <c>additionalPrinterColumns</c>.</summary>
internal sealed record PrinterColumn(string Name, string Type, string Format, string Description, int Priority, string JsonPath);

/// <summary>Identifies the storage of one resource in one group-version.</summary>
internal readonly record struct ResourceKey(string Group, string Version, string Plural);
