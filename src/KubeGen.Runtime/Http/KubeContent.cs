using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>Creates request bodies for Kubernetes API calls.</summary>
public static class KubeContent
{
    internal const string JsonMediaType = "application/json";

    /// <summary>Serializes <paramref name="value"/> with <paramref name="typeInfo"/> into an <c>application/json</c> body.</summary>
    public static HttpContent Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        return CreateBytes(body, JsonMediaType);
    }

    internal static HttpContent CreateBytes(ReadOnlyMemory<byte> body, string mediaType)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}
