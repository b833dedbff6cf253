using System.Buffers;
using System.Text;
using System.Text.Json;

namespace KubeGen.Runtime;

/// <summary>The merge patches the helpers send, written without reflection.</summary>
internal static class MetadataPatch
{
    /// <summary>
    /// <c>{"metadata":{"resourceVersion":rv,"finalizers":[...]}}</c>: the whole list (a merge patch replaces lists), guarded by
    /// the resourceVersion it was computed from, so that a concurrent change makes it fail with 409 instead of being lost.
    /// </summary>
    public static string Finalizers(IReadOnlyList<string> finalizers, string? resourceVersion)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            if (!string.IsNullOrEmpty(resourceVersion))
            {
                writer.WriteString("resourceVersion", resourceVersion);
            }

            KubeJsonWriter.WriteStrings(writer, "finalizers", finalizers);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
