using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Protobuf;

/// <summary>
/// Request bodies in <c>application/vnd.kubernetes.protobuf</c>: the magic <c>k8s\0</c>, then a
/// <c>runtime.Unknown</c> whose <c>typeMeta</c> names the kind and whose <c>raw</c> is the message
/// (apimachinery <c>pkg/runtime/serializer/protobuf</c>). The message becomes the JSON object the
/// JSON path would have read, so everything after reading a body is the same for both.
/// </summary>
internal static class ProtobufBody
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();
    private static readonly MessageDecoder Decoder = new(MessageTable.BuiltIn);

    /// <summary>Whether the emulator decodes protobuf bodies of this resource's kind (built-in kinds; never custom resources).</summary>
    public static bool Supports(ApiResource resource) => MessageTable.BuiltIn.ForKind(resource.GroupVersion, resource.Kind) is not null;

    /// <summary>Decodes a body of <paramref name="expectedGroupVersion"/>/<paramref name="expectedKind"/> into its JSON object (apiVersion and kind set from the envelope).</summary>
    /// <exception cref="StatusException">400 for a body that is not a well-formed message of a known kind, with kube-apiserver's wording.</exception>
    public static JsonObject Decode(byte[] body, string expectedGroupVersion, string expectedKind)
    {
        string? failure = body.Length == 0 ? "empty data"
            : body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic) ? $"provided data does not appear to be a protobuf message, expected prefix [{string.Join(' ', Magic)}]"
            : body.Length == Magic.Length ? "empty body"
            : null;
        if (failure is not null)
        {
            throw Unrecognized(expectedKind, failure, body);
        }

        JsonObject envelope;
        try
        {
            envelope = Decoder.Decode(MessageTable.BuiltIn["runtime.Unknown"], body.AsMemory(Magic.Length));
        }
        catch (ProtobufException e)
        {
            throw Unrecognized(expectedKind, e.Message, body);
        }

        // Missing parts of the envelope's type default to the endpoint's, as copyKindDefaults does.
        string apiVersion = envelope["apiVersion"]?.GetValue<string>() is { Length: > 0 } av ? av : expectedGroupVersion;
        string kind = envelope["kind"]?.GetValue<string>() is { Length: > 0 } k ? k : expectedKind;
        string version = apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];
        ProtoMessage message = MessageTable.BuiltIn.ForKind(apiVersion, kind)
            ?? throw StatusErrors.BadRequest($"no kind \"{kind}\" is registered for version \"{apiVersion}\" in scheme \"kubegen-emulator\"");
        JsonObject obj;
        try
        {
            obj = Decoder.Decode(message, envelope["raw"] is JsonValue raw ? Convert.FromBase64String(raw.GetValue<string>()) : ReadOnlyMemory<byte>.Empty);
        }
        catch (ProtobufException e)
        {
            throw StatusErrors.BadRequest($"{kind} in version \"{version}\" cannot be handled as a {expectedKind}: {e.Message}");
        }

        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        foreach (KeyValuePair<string, JsonNode?> entry in obj.ToList())
        {
            obj.Remove(entry.Key);
            result[entry.Key] = entry.Value;
        }

        return result;
    }

    /// <summary>transformDecodeError's wording for a body whose kind could not be read.</summary>
    private static StatusException Unrecognized(string expectedKind, string error, byte[] body)
    {
        string summary = body.Length == 0 ? "<empty>" : Convert.ToHexStringLower(body.AsSpan(0, Math.Min(body.Length, 30))) + (body.Length > 30 ? " ..." : "");
        return StatusErrors.BadRequest($"the object provided is unrecognized (must be of type {expectedKind}): {error} ({summary})");
    }
}
