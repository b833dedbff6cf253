using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Mapping;

/// <summary>
/// Decides which runtime interfaces each model class implements and which properties stand behind
/// their members: IKubeObject (apiVersion, kind and an ObjectMeta metadata), IKubeObjectMetadata and
/// IKubeControllerMetadata (meta/v1 ObjectMeta itself), IKubeOwnerReference (meta/v1 OwnerReference),
/// IKubeCondition (the items of every <c>conditions</c> list) and IKubeList (items and a ListMeta
/// metadata). Runs once every reached type is known, because a list's ListMeta may be mapped after the list.
/// </summary>
internal static class RuntimeContracts
{
    private const string ObjectMetaDefinition = SchemaMapper.MetaV1 + "ObjectMeta";
    private const string ListMetaDefinition = SchemaMapper.MetaV1 + "ListMeta";
    private const string OwnerReferenceDefinition = SchemaMapper.MetaV1 + "OwnerReference";
    private static readonly ValueKind[] s_times = { ValueKind.Time, ValueKind.MicroTime, ValueKind.DateTime };

    /// <summary>The member, its JSON name and the only type a property may have to stand behind it.</summary>
    private static readonly (ObjectMetaMember Member, string JsonName, TypeRef Type)[] s_objectMetaMembers =
    {
        (ObjectMetaMember.Name, "name", TypeRef.String),
        (ObjectMetaMember.Namespace, "namespace", TypeRef.String),
        (ObjectMetaMember.ResourceVersion, "resourceVersion", TypeRef.String),
        (ObjectMetaMember.Uid, "uid", TypeRef.String),
        (ObjectMetaMember.Generation, "generation", TypeRef.Int64),
        (ObjectMetaMember.DeletionTimestamp, "deletionTimestamp", TypeRef.Time),
        (ObjectMetaMember.Labels, "labels", TypeRef.Map(TypeRef.String)),
        (ObjectMetaMember.Annotations, "annotations", TypeRef.Map(TypeRef.String)),
    };

    public static List<TypeModel> Apply(IReadOnlyList<TypeModel> types, SchemaMapper mapper)
    {
        var objectMeta = mapper.TypeOfDefinition(ObjectMetaDefinition);
        var listMeta = mapper.TypeOfDefinition(ListMetaDefinition);
        var byName = types.ToDictionary(t => t.FullName, System.StringComparer.Ordinal);
        var ownerType = mapper.TypeOfDefinition(OwnerReferenceDefinition)?.ObjectName;
        var ownerReference = ownerType is not null && byName.TryGetValue(ownerType, out var owner) ? OwnerReferenceOf(owner) : null;
        var conditionItems = new HashSet<string>(
            types.SelectMany(t => t.Properties)
                .Where(p => p.JsonName == "conditions" && p.Type is { Kind: ValueKind.List, Element: { Kind: ValueKind.Object, ObjectName: { } } })
                .Select(p => p.Type.Element!.ObjectName!),
            System.StringComparer.Ordinal);
        var result = new List<TypeModel>(types.Count);
        foreach (var type in types)
        {
            result.Add(type with
            {
                KubeObject = KubeObjectOf(type, objectMeta),
                ObjectMeta = objectMeta is { } meta && meta.ObjectName == type.FullName ? ObjectMetaOf(type, ownerReference is null ? null : ownerType) : null,
                KubeList = KubeListOf(type, listMeta, byName),
                OwnerReference = type.FullName == ownerType ? ownerReference : null,
                Condition = conditionItems.Contains(type.FullName) ? ConditionOf(type) : null,
            });
        }

        return result;
    }

    private static KubeObjectContract? KubeObjectOf(TypeModel type, TypeRef? objectMeta)
    {
        var metadata = Find(type, "metadata");
        if (objectMeta is null || metadata is null || metadata.Type != objectMeta
            || Find(type, "apiVersion") is not { Type.Kind: ValueKind.String } apiVersion
            || Find(type, "kind") is not { Type.Kind: ValueKind.String } kind)
        {
            return null;
        }

        return new KubeObjectContract(apiVersion.Name, kind.Name, metadata.Name);
    }

    /// <summary>ObjectMeta's contracts; the controller one needs ownerReferences to be a list of <paramref name="ownerReferenceType"/> (which implements IKubeOwnerReference).</summary>
    private static ObjectMetaContract ObjectMetaOf(TypeModel type, string? ownerReferenceType)
    {
        var members = s_objectMetaMembers
            .Select(m => new ObjectMetaMemberModel(m.Member, Find(type, m.JsonName) is { } p && p.Type == m.Type ? p.Name : null))
            .ToImmutableEquatableArray();
        var controller = Find(type, "finalizers") is { } finalizers && finalizers.Type == TypeRef.List(TypeRef.String)
            && ownerReferenceType is not null
            && Find(type, "ownerReferences") is { } owners && owners.Type == TypeRef.List(TypeRef.Object(ownerReferenceType))
            && Find(type, "managedFields") is { Nullable: true } managedFields
            ? new ControllerMetadataContract(finalizers.Name, owners.Name, managedFields.Name)
            : null;
        return new ObjectMetaContract(members, controller);
    }

    /// <summary>meta/v1 OwnerReference's contract; null when a crafted spec gave its four names another type.</summary>
    private static OwnerReferenceContract? OwnerReferenceOf(TypeModel type)
    {
        string? Of(string jsonName, ValueKind kind) => Find(type, jsonName) is { } p && p.Type.Kind == kind ? p.Name : null;
        return Of("apiVersion", ValueKind.String) is { } apiVersion && Of("kind", ValueKind.String) is { } kind
            && Of("name", ValueKind.String) is { } name && Of("uid", ValueKind.String) is { } uid
            ? new OwnerReferenceContract(apiVersion, kind, name, uid, Of("controller", ValueKind.Boolean), Of("blockOwnerDeletion", ValueKind.Boolean))
            : null;
    }

    /// <summary>A condition's contract: string type and status are required, the rest stand behind a property when it has the expected type.</summary>
    private static ConditionContract? ConditionOf(TypeModel type)
    {
        string? Of(string jsonName, params ValueKind[] kinds) => Find(type, jsonName) is { } p && kinds.Contains(p.Type.Kind) ? p.Name : null;
        return Of("type", ValueKind.String) is { } conditionType && Of("status", ValueKind.String) is { } status
            ? new ConditionContract(conditionType, status, Of("reason", ValueKind.String), Of("message", ValueKind.String), Of("lastTransitionTime", s_times), Of("observedGeneration", ValueKind.Int64))
            : null;
    }

    private static KubeListContract? KubeListOf(TypeModel type, TypeRef? listMeta, Dictionary<string, TypeModel> byName)
    {
        var metadata = Find(type, "metadata");
        if (listMeta is null || metadata is null || metadata.Type != listMeta
            || Find(type, "apiVersion") is null || Find(type, "kind") is null
            || Find(type, "items") is not { Type: { Kind: ValueKind.List, Element: { Kind: ValueKind.Object, ObjectName: { } item } } } items)
        {
            return null;
        }

        byName.TryGetValue(listMeta.ObjectName!, out var meta);
        string? MetaString(string jsonName) => meta is not null && Find(meta, jsonName) is { Type.Kind: ValueKind.String } p ? p.Name : null;
        return new KubeListContract(item, items.Name, metadata.Name, MetaString("continue"), MetaString("resourceVersion"));
    }

    private static PropertyModel? Find(TypeModel type, string jsonName)
        => type.Properties.FirstOrDefault(p => p.JsonName == jsonName);
}
