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
/// <param name="OwnerReference">How the class implements IKubeOwnerReference; null unless it is meta/v1 OwnerReference.</param>
/// <param name="Condition">How the class implements IKubeCondition; null unless it is the item of a <c>conditions</c> list.</param>
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
    string HintName,
    OwnerReferenceContract? OwnerReference = null,
    ConditionContract? Condition = null)
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
internal sealed record PropertyModel(string JsonName, string Name, TypeRef Type, bool Required, bool Nullable, string? Description, ClusterAvailabilityModel? Availability = null)
{
    /// <summary>
    /// How the object keeps the value. A time is kept as UTC ticks in a <c>long</c> (8 bytes; a <c>DateTimeOffset?</c>
    /// field takes 24): every time the readers produce is UTC already, and the writers write UTC. Derived from the type,
    /// so a property whose type a merge of clusters widens follows it.
    /// </summary>
    public PropertyStorage Storage => Nullable && Type.Kind is ValueKind.Time or ValueKind.MicroTime or ValueKind.DateTime
        ? PropertyStorage.UtcTicks
        : PropertyStorage.AutoProperty;
}

/// <summary>How a generated object keeps a property's value.</summary>
internal enum PropertyStorage
{
    /// <summary>An auto-property of the property's own type.</summary>
    AutoProperty,

    /// <summary>A time, as UTC ticks plus one in a <c>long</c> field (zero: absent), behind a <c>DateTimeOffset?</c> property.</summary>
    UtcTicks,
}

/// <summary>The properties behind IKubeObject's members.</summary>
internal sealed record KubeObjectContract(string ApiVersionProperty, string KindProperty, string MetadataProperty);

/// <summary>IKubeObjectMetadata's members and the property behind each (null: the type has none of the expected type).</summary>
/// <param name="Members">The IKubeObjectMetadata members.</param>
/// <param name="Controller">The IKubeControllerMetadata members; null when the type lacks one of their properties.</param>
internal sealed record ObjectMetaContract(ImmutableEquatableArray<ObjectMetaMemberModel> Members, ControllerMetadataContract? Controller);

/// <summary>
/// The properties behind IKubeControllerMetadata, which the controller helpers use: finalizers (a list of strings),
/// ownerReferences (a list of the OwnerReference class, which implements IKubeOwnerReference) and managedFields.
/// </summary>
internal sealed record ControllerMetadataContract(string FinalizersProperty, string OwnerReferencesProperty, string ManagedFieldsProperty);

/// <summary>The properties behind IKubeOwnerReference: four strings and two optional booleans (null: absent, read as null).</summary>
internal sealed record OwnerReferenceContract(string ApiVersion, string Kind, string Name, string Uid, string? Controller, string? BlockOwnerDeletion);

/// <summary>
/// The properties behind IKubeCondition, for meta/v1 Condition and every other type listed as <c>conditions</c> (PodCondition,
/// a CRD's status conditions) that has string <c>type</c> and <c>status</c>. A member without a property of the expected
/// type is null: it reads as null and ignores writes (PodCondition has observedGeneration only from 1.33, for example).
/// </summary>
internal sealed record ConditionContract(string Type, string Status, string? Reason, string? Message, string? LastTransitionTime, string? ObservedGeneration);

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
