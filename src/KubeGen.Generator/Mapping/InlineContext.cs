namespace KubeGen.Generator.Mapping;

/// <summary>Where a schema sits, so an inline object can be named after its owner and property.</summary>
internal readonly struct InlineContext
{
    public InlineContext(string ns, string typeName, string displayName, string? sourcePath)
    {
        Namespace = ns;
        TypeName = typeName;
        DisplayName = displayName;
        SourcePath = sourcePath;
    }

    public string Namespace { get; }

    public string TypeName { get; }

    public string DisplayName { get; }

    /// <summary>The spec file the schema is in (where diagnostics about it point).</summary>
    public string? SourcePath { get; }

    public InlineContext ForItems() => new(Namespace, TypeName + "Item", DisplayName + "[]", SourcePath);

    public InlineContext ForValues() => new(Namespace, TypeName + "Value", DisplayName + "{}", SourcePath);
}
