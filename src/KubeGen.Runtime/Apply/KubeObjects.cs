using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>Copies of objects, for code that must not change the shared objects of a cache.</summary>
public static class KubeObjects
{
    /// <summary>A deep copy through the kind's reflection-free JSON metadata (<c>ConfigMap.JsonTypeInfo</c>).</summary>
    public static T DeepCopy<T>(T item, JsonTypeInfo<T> type)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(type);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(item, type);
        return JsonSerializer.Deserialize(json, type) ?? throw new JsonException($"{typeof(T).Name} read back as null.");
    }
}
