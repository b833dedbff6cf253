using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeGen.Runtime;

/// <summary>
/// Readers for <see cref="PartialObjectMetadata"/> and its list. They read what the server sends for
/// <c>as=PartialObjectMetadata</c>, and also a full object (a server or proxy that ignores the Accept header): every field
/// but apiVersion, kind and metadata (and, in metadata, managedFields) is skipped without being built.
/// </summary>
internal static class PartialObjectMetadataJson
{
    internal sealed class ObjectConverter : JsonConverter<PartialObjectMetadata>
    {
        public static readonly ObjectConverter Instance = new();

        public override PartialObjectMetadata? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => KubeJsonReader.IsNull(ref reader) ? null : ReadObject(ref reader);

        public override void Write(Utf8JsonWriter writer, PartialObjectMetadata value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            WriteString(writer, "apiVersion", value.ApiVersion);
            WriteString(writer, "kind", value.Kind);
            writer.WriteStartObject("metadata");
            KubeObjectMeta m = value.Metadata;
            WriteString(writer, "name", m.Name);
            WriteString(writer, "namespace", m.Namespace);
            WriteString(writer, "uid", m.Uid);
            WriteString(writer, "resourceVersion", m.ResourceVersion);
            if (m.Generation is long generation)
            {
                writer.WriteNumber("generation", generation);
            }

            WriteMap(writer, "labels", m.Labels);
            WriteMap(writer, "annotations", m.Annotations);
            KubeJsonWriter.WriteStrings(writer, "finalizers", m.Finalizers);

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        public static PartialObjectMetadata ReadObject(ref Utf8JsonReader reader)
        {
            KubeJsonReader.ExpectStartObject(ref reader, nameof(PartialObjectMetadata));
            var value = new PartialObjectMetadata();
            while (KubeJsonReader.ReadNext(ref reader, JsonTokenType.EndObject))
            {
                ReadOnlySpan<byte> name = KubeJsonReader.PropertyName(ref reader);
                KubeJsonReader.MoveToValue(ref reader);
                if (name.SequenceEqual("apiVersion"u8))
                {
                    value.ApiVersion = KubeJsonReader.ReadString(ref reader);
                }
                else if (name.SequenceEqual("kind"u8))
                {
                    value.Kind = KubeJsonReader.ReadString(ref reader);
                }
                else if (name.SequenceEqual("metadata"u8) && !KubeJsonReader.IsNull(ref reader))
                {
                    value.Metadata = ReadMeta(ref reader);
                }
                else
                {
                    reader.Skip(); // spec, status, data: not kept
                }
            }

            return value;
        }
    }

    internal sealed class ListConverter : JsonConverter<PartialObjectMetadataList>
    {
        public static readonly ListConverter Instance = new();

        public override PartialObjectMetadataList? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (KubeJsonReader.IsNull(ref reader))
            {
                return null;
            }

            KubeJsonReader.ExpectStartObject(ref reader, nameof(PartialObjectMetadataList));
            var list = new PartialObjectMetadataList();
            while (KubeJsonReader.ReadNext(ref reader, JsonTokenType.EndObject))
            {
                ReadOnlySpan<byte> name = KubeJsonReader.PropertyName(ref reader);
                KubeJsonReader.MoveToValue(ref reader);
                if (name.SequenceEqual("metadata"u8) && !KubeJsonReader.IsNull(ref reader))
                {
                    KubeJsonReader.ExpectStartObject(ref reader, "ListMeta");
                    while (KubeJsonReader.ReadNext(ref reader, JsonTokenType.EndObject))
                    {
                        ReadOnlySpan<byte> field = KubeJsonReader.PropertyName(ref reader);
                        KubeJsonReader.MoveToValue(ref reader);
                        if (field.SequenceEqual("continue"u8))
                        {
                            list.Continue = KubeJsonReader.ReadString(ref reader);
                        }
                        else if (field.SequenceEqual("resourceVersion"u8))
                        {
                            list.ResourceVersion = KubeJsonReader.ReadString(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else if (name.SequenceEqual("items"u8) && !KubeJsonReader.IsNull(ref reader))
                {
                    KubeJsonReader.ExpectStartArray(ref reader);
                    var items = new List<PartialObjectMetadata>();
                    while (KubeJsonReader.ReadNext(ref reader, JsonTokenType.EndArray))
                    {
                        items.Add(ObjectConverter.ReadObject(ref reader));
                    }

                    list.Items = items;
                }
                else
                {
                    reader.Skip();
                }
            }

            return list;
        }

        public override void Write(Utf8JsonWriter writer, PartialObjectMetadataList value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", "meta.k8s.io/v1");
            writer.WriteString("kind", "PartialObjectMetadataList");
            writer.WriteStartObject("metadata");
            WriteString(writer, "continue", value.Continue);
            WriteString(writer, "resourceVersion", value.ResourceVersion);
            writer.WriteEndObject();
            writer.WriteStartArray("items");
            foreach (PartialObjectMetadata item in value.Items ?? [])
            {
                ObjectConverter.Instance.Write(writer, item, options);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }

    private static KubeObjectMeta ReadMeta(ref Utf8JsonReader reader)
    {
        KubeJsonReader.ExpectStartObject(ref reader, "ObjectMeta");
        var meta = new KubeObjectMeta();
        while (KubeJsonReader.ReadNext(ref reader, JsonTokenType.EndObject))
        {
            ReadOnlySpan<byte> name = KubeJsonReader.PropertyName(ref reader);
            KubeJsonReader.MoveToValue(ref reader);
            switch (name)
            {
                case var n when n.SequenceEqual("name"u8):
                    meta.Name = KubeJsonReader.ReadString(ref reader);
                    break;
                case var n when n.SequenceEqual("namespace"u8):
                    meta.Namespace = KubeJsonReader.ReadString(ref reader);
                    break;
                case var n when n.SequenceEqual("uid"u8):
                    meta.Uid = KubeJsonReader.ReadString(ref reader);
                    break;
                case var n when n.SequenceEqual("resourceVersion"u8):
                    meta.ResourceVersion = KubeJsonReader.ReadString(ref reader);
                    break;
                case var n when n.SequenceEqual("generation"u8):
                    meta.Generation = KubeJsonReader.ReadInt64(ref reader);
                    break;
                case var n when n.SequenceEqual("creationTimestamp"u8):
                    meta.CreationTimestamp = KubeJsonReader.ReadTime(ref reader);
                    break;
                case var n when n.SequenceEqual("deletionTimestamp"u8):
                    meta.DeletionTimestamp = KubeJsonReader.ReadTime(ref reader);
                    break;
                case var n when n.SequenceEqual("labels"u8):
                    meta.Labels = ReadMap(ref reader);
                    break;
                case var n when n.SequenceEqual("annotations"u8):
                    meta.Annotations = ReadMap(ref reader);
                    break;
                case var n when n.SequenceEqual("finalizers"u8):
                    meta.Finalizers = ReadStrings(ref reader);
                    break;
                case var n when n.SequenceEqual("ownerReferences"u8):
                    meta.OwnerReferences = ReadOwners(ref reader);
                    break;
                default:
                    reader.Skip(); // managedFields above all: the bulk of metadata, and never needed here
                    break;
            }
        }

        return meta;
    }

    // Compact collections, as the generated readers make them: a metadata-only cache exists to hold many objects in little memory.
    private static KubeMap<string>? ReadMap(ref Utf8JsonReader reader)
    {
        if (KubeJsonReader.IsNull(ref reader))
        {
            return null;
        }

        KubeJsonReader.ExpectStartObject(ref reader, "map");
        var map = new KubeMap<string>();
        while (KubeJsonReader.ReadNext(ref reader, JsonTokenType.EndObject))
        {
            string key = KubeJsonReader.PropertyNameString(ref reader);
            KubeJsonReader.MoveToValue(ref reader);
            map[key] = KubeJsonReader.ReadString(ref reader) ?? string.Empty;
        }

        return map;
    }

    private static List<string>? ReadStrings(ref Utf8JsonReader reader)
    {
        if (KubeJsonReader.IsNull(ref reader))
        {
            return null;
        }

        KubeJsonReader.ExpectStartArray(ref reader);
        var items = new KubeListBuilder<string>();
        while (KubeJsonReader.ReadNext(ref reader, JsonTokenType.EndArray))
        {
            items.Add(KubeJsonReader.ReadString(ref reader) ?? string.Empty);
        }

        return items.ToList();
    }

    private static List<KubeOwnerReference>? ReadOwners(ref Utf8JsonReader reader)
    {
        if (KubeJsonReader.IsNull(ref reader))
        {
            return null;
        }

        KubeJsonReader.ExpectStartArray(ref reader);
        var owners = new KubeListBuilder<KubeOwnerReference>();
        while (KubeJsonReader.ReadNext(ref reader, JsonTokenType.EndArray))
        {
            KubeJsonReader.ExpectStartObject(ref reader, "OwnerReference");
            string apiVersion = string.Empty, kind = string.Empty, name = string.Empty, uid = string.Empty;
            bool? controller = null, block = null;
            while (KubeJsonReader.ReadNext(ref reader, JsonTokenType.EndObject))
            {
                ReadOnlySpan<byte> field = KubeJsonReader.PropertyName(ref reader);
                KubeJsonReader.MoveToValue(ref reader);
                switch (field)
                {
                    case var f when f.SequenceEqual("apiVersion"u8):
                        apiVersion = KubeJsonReader.ReadString(ref reader) ?? string.Empty;
                        break;
                    case var f when f.SequenceEqual("kind"u8):
                        kind = KubeJsonReader.ReadString(ref reader) ?? string.Empty;
                        break;
                    case var f when f.SequenceEqual("name"u8):
                        name = KubeJsonReader.ReadString(ref reader) ?? string.Empty;
                        break;
                    case var f when f.SequenceEqual("uid"u8):
                        uid = KubeJsonReader.ReadString(ref reader) ?? string.Empty;
                        break;
                    case var f when f.SequenceEqual("controller"u8):
                        controller = KubeJsonReader.ReadBoolean(ref reader);
                        break;
                    case var f when f.SequenceEqual("blockOwnerDeletion"u8):
                        block = KubeJsonReader.ReadBoolean(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            owners.Add(new KubeOwnerReference(apiVersion, kind, name, uid, controller, block));
        }

        return owners.ToList();
    }

    private static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IDictionary<string, string>? map)
    {
        if (map is null)
        {
            return;
        }

        writer.WriteStartObject(name);
        foreach ((string key, string value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

}
