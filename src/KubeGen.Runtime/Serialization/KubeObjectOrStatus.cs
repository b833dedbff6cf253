using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// Reads responses that are either the object or a meta/v1 Status. A delete answers with the
/// object while deletion is pending (finalizers, foreground propagation, a terminating namespace,
/// a pod's graceful deletion) and with a Status when the object is already gone.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KubeObjectOrStatus
{
    /// <summary>The object, or null when the response is a Status.</summary>
    public static T? Read<T>(JsonElement response, JsonTypeInfo<T> objectType)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(objectType);
        if (response.ValueKind != JsonValueKind.Object
            || (response.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.ValueEquals("Status"u8)))
        {
            return null;
        }

        return response.Deserialize(objectType);
    }
}
