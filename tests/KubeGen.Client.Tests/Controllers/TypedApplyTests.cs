using ClientTests.Kube.CoreV1;
using ClientTests.Kube.MetaV1;
using ClientTests.Kube.StableV1;
using KubeGen.Client.Tests.Emulator;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>
/// Typed server-side apply through the generated clients: a kind is its own apply configuration (every property can be
/// absent and absent ones are not written), so an apply sends exactly the fields the controller set, owns them, and
/// dropping a field from the next apply removes it from the object.
/// </summary>
public sealed class TypedApplyTests
{
    [Fact]
    public async Task A_typed_apply_owns_exactly_the_fields_it_sets()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        var owner = new ApplyOptions("typed-controller");

        ConfigMap first = await api.Kube.CoreV1.ConfigMaps.ApplyAsync(EmulatorHarness.Ns, new ConfigMap
        {
            Metadata = new ObjectMeta { Name = "typed", Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Data = new Dictionary<string, string> { ["mode"] = "fast", ["level"] = "debug" },
        }, owner, api.Cancel);
        Assert.Equal(["level", "mode"], first.Data!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("typed-controller", Assert.Single(first.Metadata!.ManagedFields!).Manager);

        // Someone else adds a key; the controller stops setting "level": its key goes, the other manager's stays.
        await api.Kube.CoreV1.ConfigMaps.PatchAsync(EmulatorHarness.Ns, "typed", KubePatch.Merge("""{"data":{"extra":"theirs"}}"""), cancellationToken: api.Cancel);
        ConfigMap second = await api.Kube.CoreV1.ConfigMaps.ApplyAsync(EmulatorHarness.Ns, new ConfigMap
        {
            Metadata = new ObjectMeta { Name = "typed", Namespace = EmulatorHarness.Ns }, // the namespace may be repeated here
            Data = new Dictionary<string, string> { ["mode"] = "slow" },
        }, owner, api.Cancel);
        Assert.Equal([new("extra", "theirs"), new("mode", "slow")], second.Data!.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.False(second.Metadata!.Labels?.ContainsKey("app") ?? false); // the label it stopped applying went too
    }

    [Fact]
    public async Task A_typed_apply_without_force_names_the_other_manager()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        ConfigMap Desired(string mode) => new()
        {
            Metadata = new ObjectMeta { Name = "shared", Namespace = EmulatorHarness.Ns },
            Data = new Dictionary<string, string> { ["mode"] = mode },
        };
        await api.Kube.CoreV1.ConfigMaps.ApplyAsync(EmulatorHarness.Ns, Desired("slow"), new ApplyOptions("helm", Force: false), api.Cancel);

        ApplyConflictException conflict = await Assert.ThrowsAsync<ApplyConflictException>(() =>
            api.Kube.CoreV1.ConfigMaps.ApplyAsync(EmulatorHarness.Ns, Desired("fast"), new ApplyOptions("typed-controller", Force: false), api.Cancel));
        Assert.Equal(["helm"], conflict.Managers);
    }

    [Fact]
    public async Task A_typed_status_apply_goes_to_the_status_subresource_only()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        await api.Kube.StableV1.CronTabs.CreateAsync(EmulatorHarness.Ns, new CronTab
        {
            Metadata = new ObjectMeta { Name = "nightly" },
            Spec = new CronTabSpec { CronSpec = "0 3 * * *", Image = "backup:1" },
        }, cancellationToken: api.Cancel);

        CronTab applied = await api.Kube.StableV1.CronTabs.ApplyStatusAsync(EmulatorHarness.Ns, new CronTab
        {
            Metadata = new ObjectMeta { Name = "nightly", Namespace = EmulatorHarness.Ns },
            Spec = new CronTabSpec { Image = "ignored:2" }, // the status subresource takes only status
            Status = new CronTabStatus { Conditions = [new CronTabStatusConditionsItem { Type = "Ready", Status = "True", Reason = "Scheduled" }] },
        }, new ApplyOptions("typed-controller"), api.Cancel);

        Assert.Equal("backup:1", applied.Spec!.Image);
        IKubeCondition ready = Assert.Single(applied.Status!.Conditions!);
        Assert.Equal(("Ready", "True", "Scheduled"), (ready.Type, ready.Status, ready.Reason));
    }

    [Fact]
    public async Task The_client_without_a_selected_status_call_says_which_verb_to_select()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        IKubeObjectClient<ConfigMap> configMaps = api.Kube.CoreV1.ConfigMaps; // configmaps have no status subresource

        NotSupportedException refused = await Assert.ThrowsAsync<NotSupportedException>(() =>
            configMaps.ReplaceStatusAsync(EmulatorHarness.Ns, "any", new ConfigMap(), api.Cancel));
        Assert.Contains("configmaps/status", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentNullException>(() => configMaps.GetAsync(null, "any", api.Cancel));
    }
}
