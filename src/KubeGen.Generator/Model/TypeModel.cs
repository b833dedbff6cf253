namespace KubeGen.Generator.Model;

/// <summary>One generated model class and its JSON converter.</summary>
/// <param name="Namespace">The C# namespace.</param>
/// <param name="LocalNamespace">The namespace under the client's namespace ("CoreV1"), which also names the group-version's classes.</param>
/// <param name="Name">The class name, unique in the namespace (ignoring case, as hint names are).</param>
/// <param name="Description">The schema's description.</param>
/// <param name="Properties">The properties, in the schema's order, each JSON name once.</param>
/// <param name="Kind">The group-version-kind when the schema names exactly one.</param>
/// <param name="KubeObject">How the class implements IKubeObject; null when it is not a Kubernetes object.</param>
/// <param name="ObjectMeta">How the class implements IKubeObjectMetadata; null unless it is meta/v1 ObjectMeta.</param>
/// <param name="KubeList">How the class implements IKubeList; null when it is not a Kubernetes list.</param>
/// <param name="HintName">The generated file.</param>
internal sealed record TypeModel(
    string Namespace,
    string LocalNamespace,
    string Name,
    string? Description,
    ImmutableEquatableArray<PropertyModel> Properties,
    GroupVersionKind? Kind,
    KubeObjectContract? KubeObject,
    ObjectMetaContract? ObjectMeta,
    KubeListContract? KubeList,
    string HintName)
{
    public string FullName => $"global::{Namespace}.{Name}";
}

/// <summary>One property of a model class.</summary>
/// <param name="JsonName">The JSON name, exactly as the spec spells it.</param>
/// <param name="Name">The C# name, unique in the class.</param>
/// <param name="Type">The value's type.</param>
/// <param name="Required">The schema lists the property as required.</param>
/// <param name="Nullable">
/// The C# property can say "absent": every optional property, and every value type even when required
/// (a required time or number the server leaves out or sends as null must not come back as a made-up
/// default when the object is written back).
/// </param>
/// <param name="Description">The schema's description.</param>
/// <param name="Availability">For a client of several clusters, when only some of them have the field.</param>
internal sealed record PropertyModel(string JsonName, string Name, TypeRef Type, bool Required, bool Nullable, string? Description, ClusterAvailabilityModel? Availability = null);

/// <summary>The properties behind IKubeObject's members.</summary>
internal sealed record KubeObjectContract(string ApiVersionProperty, string KindProperty, string MetadataProperty);

/// <summary>IKubeObjectMetadata's members and the property behind each (null: the type has none of the expected type).</summary>
internal sealed record ObjectMetaContract(ImmutableEquatableArray<ObjectMetaMemberModel> Members);

/// <summary>One IKubeObjectMetadata member and its property.</summary>
internal sealed record ObjectMetaMemberModel(ObjectMetaMember Member, string? PropertyName);

/// <summary>The members of the runtime's IKubeObjectMetadata.</summary>
internal enum ObjectMetaMember
{
    Name,
    Namespace,
    ResourceVersion,
    Uid,
    Generation,
    DeletionTimestamp,
    Labels,
    Annotations,
}

/// <summary>The properties behind IKubeList's members: items, and the list metadata's continue and resourceVersion (null when missing).</summary>
internal sealed record KubeListContract(string ItemType, string ItemsProperty, string MetadataProperty, string? ContinueProperty, string? ResourceVersionProperty);

internal sealed record GroupVersionKind(string Group, string Version, string Kind)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}
