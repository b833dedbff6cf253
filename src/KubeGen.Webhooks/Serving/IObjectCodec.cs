using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Webhooks.Serving;

/// <summary>Reads a request's object as <typeparamref name="T"/> and writes it back as JSON, without reflection.</summary>
internal interface IObjectCodec<T>
    where T : class
{
    T Read(JsonElement json);

    JsonNode Write(T value);
}

/// <summary>A generated model, through its <c>JsonTypeInfo</c>.</summary>
internal sealed class TypedCodec<T>(JsonTypeInfo<T> typeInfo) : IObjectCodec<T>
    where T : class
{
    public T Read(JsonElement json) => json.Deserialize(typeInfo) ?? throw new JsonException("the object is null");

    public JsonNode Write(T value) => JsonSerializer.SerializeToNode(value, typeInfo) ?? throw new JsonException("the object serialized to null");
}

/// <summary>Any kind, as a <see cref="JsonObject"/> (for kinds the app did not select).</summary>
internal sealed class RawCodec : IObjectCodec<JsonObject>
{
    public static readonly RawCodec Instance = new();

    public JsonObject Read(JsonElement json) => JsonObject.Create(json) ?? throw new JsonException("the object is not a JSON object");

    public JsonNode Write(JsonObject value) => value.DeepClone();
}
