using System.Text.Json.Serialization;

namespace KubeGen.Runtime.Admission;

/// <summary>Source-generated JSON metadata of the admission types: no reflection, Native AOT and trim safe.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(AdmissionReview))]
internal sealed partial class AdmissionJsonContext : JsonSerializerContext;
