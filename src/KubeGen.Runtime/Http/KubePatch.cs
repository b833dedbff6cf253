using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>A PATCH body with its patch type and content type.</summary>
public sealed class KubePatch
{
    private const string JsonPatchContentType = "application/json-patch+json";
    private const string MergePatchContentType = "application/merge-patch+json";
    private const string StrategicMergePatchContentType = "application/strategic-merge-patch+json";
    private const string ApplyPatchContentType = "application/apply-patch+yaml";

    private KubePatch(KubePatchType type, ReadOnlyMemory<byte> body)
    {
        Type = type;
        Body = body;
        ContentType = type switch
        {
            KubePatchType.JsonPatch => JsonPatchContentType,
            KubePatchType.MergePatch => MergePatchContentType,
            KubePatchType.StrategicMergePatch => StrategicMergePatchContentType,
            KubePatchType.ApplyPatch => ApplyPatchContentType,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    /// <summary>The patch type.</summary>
    public KubePatchType Type { get; }

    /// <summary>The request content type for <see cref="Type"/>.</summary>
    public string ContentType { get; }

    /// <summary>The UTF-8 encoded patch body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>An RFC 6902 JSON Patch; <paramref name="jsonPatchArray"/> must be a JSON array of operations.</summary>
    /// <exception cref="ArgumentException">The text is not a JSON array.</exception>
    public static KubePatch Json(string jsonPatchArray)
        => FromJsonText(KubePatchType.JsonPatch, jsonPatchArray, JsonTokenType.StartArray, nameof(jsonPatchArray));

    /// <summary>An RFC 7386 JSON Merge Patch; <paramref name="json"/> must be a JSON object.</summary>
    /// <exception cref="ArgumentException">The text is not a JSON object.</exception>
    public static KubePatch Merge(string json)
        => FromJsonText(KubePatchType.MergePatch, json, JsonTokenType.StartObject, nameof(json));

    /// <summary>A Kubernetes strategic merge patch; <paramref name="json"/> must be a JSON object.</summary>
    /// <exception cref="ArgumentException">The text is not a JSON object.</exception>
    public static KubePatch StrategicMerge(string json)
        => FromJsonText(KubePatchType.StrategicMergePatch, json, JsonTokenType.StartObject, nameof(json));

    /// <summary>
    /// A server-side apply body (YAML or JSON, since JSON is valid YAML). The request must also carry
    /// a <c>fieldManager</c>; see <see cref="EnsureFieldManager"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The text is empty or whitespace.</exception>
    public static KubePatch Apply(string yamlOrJson)
    {
        ArgumentNullException.ThrowIfNull(yamlOrJson);
        if (string.IsNullOrWhiteSpace(yamlOrJson))
        {
            throw new ArgumentException("A server-side apply body must not be empty.", nameof(yamlOrJson));
        }

        return new KubePatch(KubePatchType.ApplyPatch, Encoding.UTF8.GetBytes(yamlOrJson));
    }

    /// <summary>An RFC 6902 JSON Patch serialized from a typed document; it must serialize to a JSON array.</summary>
    public static KubePatch Json<T>(T value, JsonTypeInfo<T> typeInfo)
        => FromValue(KubePatchType.JsonPatch, value, typeInfo, (byte)'[');

    /// <summary>A JSON Merge Patch serialized from a typed value; it must serialize to a JSON object.</summary>
    public static KubePatch Merge<T>(T value, JsonTypeInfo<T> typeInfo)
        => FromValue(KubePatchType.MergePatch, value, typeInfo, (byte)'{');

    /// <summary>A strategic merge patch serialized from a typed value; it must serialize to a JSON object.</summary>
    public static KubePatch StrategicMerge<T>(T value, JsonTypeInfo<T> typeInfo)
        => FromValue(KubePatchType.StrategicMergePatch, value, typeInfo, (byte)'{');

    /// <summary>A server-side apply body serialized as JSON from a typed value; it must serialize to a JSON object.</summary>
    public static KubePatch Apply<T>(T value, JsonTypeInfo<T> typeInfo)
        => FromValue(KubePatchType.ApplyPatch, value, typeInfo, (byte)'{');

    /// <summary>Creates a new request body with the <see cref="ContentType"/> header.</summary>
    public HttpContent CreateContent() => KubeContent.CreateBytes(Body, ContentType);

    /// <summary>Checks that a server-side apply request names its field manager.</summary>
    /// <exception cref="ArgumentException">This is an apply patch and <paramref name="fieldManager"/> is null, empty or whitespace.</exception>
    public void EnsureFieldManager(string? fieldManager)
    {
        if (Type == KubePatchType.ApplyPatch && string.IsNullOrWhiteSpace(fieldManager))
        {
            throw new ArgumentException(
                "server-side apply requires fieldManager: pass the name of the actor that owns the applied fields (for example your controller's name).",
                nameof(fieldManager));
        }
    }

    private static KubePatch FromJsonText(KubePatchType type, string json, JsonTokenType expected, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(json, parameterName);
        byte[] body = Encoding.UTF8.GetBytes(json);
        string? problem = Validate(body, expected);
        if (problem is not null)
        {
            throw new ArgumentException(problem, parameterName);
        }

        return new KubePatch(type, body);
    }

    private static KubePatch FromValue<T>(KubePatchType type, T value, JsonTypeInfo<T> typeInfo, byte expectedFirst)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        ReadOnlySpan<byte> trimmed = body.AsSpan().TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != expectedFirst)
        {
            string expected = expectedFirst == (byte)'[' ? "a JSON array" : "a JSON object";
            throw new ArgumentException($"A {type} body must serialize to {expected}.", nameof(value));
        }

        return new KubePatch(type, body);
    }

    private static string? Validate(ReadOnlySpan<byte> json, JsonTokenType expected)
    {
        string what = expected == JsonTokenType.StartArray ? "a JSON array" : "a JSON object";
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1000 });
            if (!reader.Read())
            {
                return $"The patch must be {what}, but it is empty.";
            }

            if (reader.TokenType != expected)
            {
                return $"The patch must be {what}, but it starts with {reader.TokenType}.";
            }

            reader.Skip();
            if (reader.Read())
            {
                return $"The patch must be a single {what[2..]}, but more data follows it.";
            }

            return null;
        }
        catch (JsonException ex)
        {
            return $"The patch must be {what}, but it is not valid JSON: {ex.Message}";
        }
    }
}
