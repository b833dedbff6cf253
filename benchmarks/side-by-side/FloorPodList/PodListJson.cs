using System.Text.Json.Serialization;

namespace SideBySide;

// Only what the table prints; System.Text.Json skips every other property of the API server's response.
internal sealed record PodList(List<Pod>? Items);

internal sealed record Pod(ObjectMeta? Metadata, PodSpec? Spec, PodStatus? Status);

internal sealed record ObjectMeta(string? Name, DateTimeOffset? CreationTimestamp, DateTimeOffset? DeletionTimestamp);

internal sealed record PodSpec(string? NodeName);

internal sealed record PodStatus(string? Phase, List<ContainerStatus>? ContainerStatuses);

internal sealed record ContainerStatus(int RestartCount);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(PodList))]
internal sealed partial class PodListJsonContext : JsonSerializerContext;
