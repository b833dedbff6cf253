using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// Builds <see cref="JsonTypeInfo{T}"/>s from the converters KubeGen generates, so the generated
/// types work with <see cref="JsonSerializer"/> without reflection (Native AOT and trimming safe).
/// </summary>
public static class KubeJsonTypeInfo
{
    private static readonly JsonSerializerOptions s_options = CreateOptions();

    private static JsonTypeInfo<JsonElement>? s_rawJson;

    /// <summary>The options every generated type info shares (no reflection-based resolver).</summary>
    public static JsonSerializerOptions Options => s_options;

    /// <summary>Type info for free-form JSON responses.</summary>
    public static JsonTypeInfo<JsonElement> RawJson => s_rawJson ??= JsonMetadataServices.CreateValueInfo<JsonElement>(s_options, JsonMetadataServices.JsonElementConverter);

    /// <summary>Wraps a generated converter; called once per type by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static JsonTypeInfo<T> Create<T>(JsonConverter<T> converter)
        => JsonMetadataServices.CreateValueInfo<T>(s_options, converter);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = NoReflectionResolver.Instance,
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Answers no type: every type KubeGen serializes brings its own converter.</summary>
    private sealed class NoReflectionResolver : IJsonTypeInfoResolver
    {
        public static readonly NoReflectionResolver Instance = new();

        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) => null;
    }
}
