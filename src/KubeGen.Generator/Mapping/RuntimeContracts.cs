using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Mapping;

/// <summary>
/// Decides which runtime interfaces each model class implements and which properties stand behind
/// their members: IKubeObject (apiVersion, kind and an ObjectMeta metadata), IKubeObjectMetadata
/// (meta/v1 ObjectMeta itself) and IKubeList (items and a ListMeta metadata). Runs once every reached
/// type is known, because a list's ListMeta may be mapped after the list.
/// </summary>
internal static class RuntimeContracts
{
    private const string ObjectMetaDefinition = SchemaMapper.MetaV1 + "ObjectMeta";
    private const string ListMetaDefinition = SchemaMapper.MetaV1 + "ListMeta";

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
        var result = new List<TypeModel>(types.Count);
        foreach (var type in types)
        {
            result.Add(type with
            {
                KubeObject = KubeObjectOf(type, objectMeta),
                ObjectMeta = objectMeta is { } meta && meta.ObjectName == type.FullName ? ObjectMetaOf(type) : null,
                KubeList = KubeListOf(type, listMeta, byName),
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

    private static ObjectMetaContract ObjectMetaOf(TypeModel type)
        => new(s_objectMetaMembers
            .Select(m => new ObjectMetaMemberModel(m.Member, Find(type, m.JsonName) is { } p && p.Type == m.Type ? p.Name : null))
            .ToImmutableEquatableArray());

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
