using System.Text.Json.Serialization;

namespace KubeGen.Runtime.Tests.Infrastructure;

public sealed class TestMetadata
{
    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public string? ResourceVersion { get; set; }
}

/// <summary>A small Kubernetes-shaped object for requests, responses and watch events.</summary>
public sealed class TestObject
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public TestMetadata? Metadata { get; set; }

    public string? Value { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TestObject))]
[JsonSerializable(typeof(string))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}
