namespace KubeGen.Generator.Model;

/// <summary>One generated model class.</summary>
internal sealed record TypeModel(
    string Namespace,
    string Name,
    string? Description,
    ImmutableEquatableArray<PropertyModel> Properties,
    GroupVersionKind? Kind,
    TypeModelTraits Traits,
    string? ListItemType)
{
    public string FullName => $"global::{Namespace}.{Name}";
}

/// <summary>One property of a model class.</summary>
internal sealed record PropertyModel(
    string JsonName,
    string Name,
    TypeRef Type,
    bool Required,
    string? Description) : System.IEquatable<PropertyModel>;

/// <summary>Runtime interfaces a model implements so generic runtime code can work with it.</summary>
[System.Flags]
internal enum TypeModelTraits
{
    None = 0,

    /// <summary>Has apiVersion, kind and an ObjectMeta metadata property: implements IKubeObject.</summary>
    KubeObject = 1,

    /// <summary>Is meta/v1 ObjectMeta: implements IKubeObjectMetadata.</summary>
    ObjectMeta = 2,

    /// <summary>Has items and a ListMeta metadata property: implements IKubeList.</summary>
    KubeList = 4,
}

internal sealed record GroupVersionKind(string Group, string Version, string Kind)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}
