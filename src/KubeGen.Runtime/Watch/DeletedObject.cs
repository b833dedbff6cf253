using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// The object of a DELETED event a follower synthesizes for an object that vanished while it was not
/// watching. Only keys and versions are remembered, so it holds <c>metadata.namespace</c>,
/// <c>metadata.name</c> and <c>metadata.resourceVersion</c> (the last version delivered) and nothing else.
/// </summary>
internal static class DeletedObject
{
    /// <summary>Builds the object through its (reflection-free) JSON metadata, the one way to make any generated kind.</summary>
    public static T Create<T>(JsonTypeInfo<T> objectType, ObjectKey key, string? resourceVersion)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            writer.WriteString("name", key.Name);
            if (key.Namespace is not null)
            {
                writer.WriteString("namespace", key.Namespace);
            }

            if (resourceVersion is not null)
            {
                writer.WriteString("resourceVersion", resourceVersion);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, objectType)
            ?? throw new JsonException($"The JSON metadata of {typeof(T).Name} read an object as null.");
    }
}
