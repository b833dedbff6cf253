using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ClientTests.Kube.CoreV1;
using KubeGen.Client.Tests.Emulator;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>
/// The runtime's seam for generated apply configurations (<see cref="IApplyConfiguration{TSelf}"/>), exercised with a
/// hand-written one in the shape the generator is to emit: every field optional, nulls not written, so an apply sends
/// exactly the fields the controller owns, and dropping a field from the configuration removes it from the object.
/// </summary>
public sealed class TypedApplyTests
{
    [Fact]
    public async Task A_typed_apply_configuration_owns_exactly_the_fields_it_sets()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        var configMaps = new KubeObjectClient<ConfigMap>(
            (ns, name, ct) => api.Kube.CoreV1.ConfigMaps.GetAsync(ns!, name, cancellationToken: ct),
            (ns, name, patch, apply, ct) => api.Kube.CoreV1.ConfigMaps.PatchAsync(ns!, name, patch, new() { FieldManager = apply?.FieldManager, Force = apply?.Force }, ct));
        var owner = new ApplyOptions("typed-controller");

        ConfigMap first = await configMaps.ApplyAsync(new ConfigMapApplyConfiguration
        {
            Metadata = new ObjectMetaApplyConfiguration { Name = "typed", Namespace = EmulatorHarness.Ns, Labels = new() { ["app"] = "web" } },
            Data = new() { ["mode"] = "fast", ["level"] = "debug" },
        }, owner, api.Cancel);
        Assert.Equal(["level", "mode"], first.Data!.Keys.Order(StringComparer.Ordinal));

        // Someone else adds a key; the controller stops setting "level": its key goes, the other manager's stays.
        await api.Kube.CoreV1.ConfigMaps.PatchAsync(EmulatorHarness.Ns, "typed", KubePatch.Merge("""{"data":{"extra":"theirs"}}"""), cancellationToken: api.Cancel);
        ConfigMap second = await configMaps.ApplyAsync(new ConfigMapApplyConfiguration
        {
            Metadata = new ObjectMetaApplyConfiguration { Name = "typed", Namespace = EmulatorHarness.Ns },
            Data = new() { ["mode"] = "slow" },
        }, owner, api.Cancel);
        Assert.Equal(new Dictionary<string, string> { ["extra"] = "theirs", ["mode"] = "slow" }, second.Data);
        Assert.False(second.Metadata!.Labels?.ContainsKey("app") ?? false); // the label it stopped applying went too
    }
}

/// <summary>What the generator is to emit for ConfigMap (see the controller runtime's report): all fields optional.</summary>
public sealed class ConfigMapApplyConfiguration : IApplyConfiguration<ConfigMapApplyConfiguration>
{
    public string ApiVersion => ConfigMap.KubeApiVersion;

    public string Kind => ConfigMap.KubeKind;

    public ObjectMetaApplyConfiguration? Metadata { get; set; }

    public Dictionary<string, string>? Data { get; set; }

    public static JsonTypeInfo<ConfigMapApplyConfiguration> JsonTypeInfo => ApplyConfigurationJson.Default.ConfigMapApplyConfiguration;

    string? IApplyConfiguration<ConfigMapApplyConfiguration>.Name => Metadata?.Name;

    string? IApplyConfiguration<ConfigMapApplyConfiguration>.Namespace => Metadata?.Namespace;
}

/// <summary>The apply configuration of ObjectMeta: the fields a controller may own.</summary>
public sealed class ObjectMetaApplyConfiguration
{
    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConfigMapApplyConfiguration))]
internal sealed partial class ApplyConfigurationJson : JsonSerializerContext;
