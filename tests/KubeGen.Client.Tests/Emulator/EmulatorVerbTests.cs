using ClientTests.Kube.AppsV1;
using ClientTests.Kube.AutoscalingV1;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.MetaV1;
using ClientTests.Kube.StableV1;
using KubeGen.Runtime;
using static KubeGen.Client.Tests.Emulator.EmulatorHarness;

namespace KubeGen.Client.Tests.Emulator;

/// <summary>Every verb of the generated clients against the in-process API server emulator.</summary>
public sealed class EmulatorVerbTests
{
    [Fact]
    public async Task CreateGetListReplaceDeleteRoundTrip()
    {
        await using EmulatorHarness api = await StartAsync();
        var pods = api.Kube.CoreV1.Pods;

        Pod created = await pods.CreateAsync(Ns, Pod("web-1", labels: new Dictionary<string, string> { ["app"] = "web" }), cancellationToken: api.Cancel);
        Assert.Equal(("v1", "Pod", "web-1", Ns), (created.ApiVersion, created.Kind, created.Metadata!.Name, created.Metadata.Namespace));
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal("Pending", created.Status!.Phase);

        Pod got = await pods.GetAsync(Ns, "web-1", cancellationToken: api.Cancel);
        Assert.Equal((created.Metadata.Uid, created.Metadata.ResourceVersion), (got.Metadata!.Uid, got.Metadata.ResourceVersion));
        Assert.Equal("nginx:1.27", got.Spec!.Containers[0].Image);

        got.Spec.Containers[0].Image = "nginx:1.28";
        Pod replaced = await pods.ReplaceAsync(Ns, "web-1", got, cancellationToken: api.Cancel);
        Assert.Equal("nginx:1.28", replaced.Spec!.Containers[0].Image);
        Assert.True(long.Parse(replaced.Metadata!.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(got.Metadata.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture));

        PodList list = await pods.ListAsync(Ns, cancellationToken: api.Cancel);
        Assert.Equal("web-1", Assert.Single(list.Items).Metadata!.Name);
        Assert.Equal(api.Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), list.Metadata!.ResourceVersion);
        Assert.Single((await pods.ListForAllNamespacesAsync(cancellationToken: api.Cancel)).Items);

        // Pods answer delete with the object; kinds whose spec says Status come back as null.
        Pod? deleted = await pods.DeleteAsync(Ns, "web-1", cancellationToken: api.Cancel);
        Assert.Equal("web-1", deleted!.Metadata!.Name);
        await api.Kube.CoreV1.ConfigMaps.CreateAsync(Ns, ConfigMap("settings"), cancellationToken: api.Cancel);
        Assert.Null(await api.Kube.CoreV1.ConfigMaps.DeleteAsync(Ns, "settings", cancellationToken: api.Cancel));

        var gone = await Assert.ThrowsAsync<KubeApiException>(() => pods.GetAsync(Ns, "web-1", cancellationToken: api.Cancel));
        Assert.True(gone.IsNotFound);
        Assert.Empty((await pods.ListAsync(Ns, cancellationToken: api.Cancel)).Items);
    }

    [Fact]
    public async Task GenerateNameAndGenerationAreFilledInByTheServer()
    {
        await using EmulatorHarness api = await StartAsync();
        Deployment created = await api.Kube.AppsV1.Deployments.CreateAsync(Ns, Deployment("web"), cancellationToken: api.Cancel);
        Assert.Equal(1L, created.Metadata!.Generation);

        created.Spec!.Replicas = 3;
        Deployment changed = await api.Kube.AppsV1.Deployments.ReplaceAsync(Ns, "web", created, cancellationToken: api.Cancel);
        Assert.Equal(2L, changed.Metadata!.Generation);

        changed.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        Deployment relabelled = await api.Kube.AppsV1.Deployments.ReplaceAsync(Ns, "web", changed, cancellationToken: api.Cancel);
        Assert.Equal(2L, relabelled.Metadata!.Generation);

        ConfigMap generated = await api.Kube.CoreV1.ConfigMaps.CreateAsync(Ns, new ConfigMap { Metadata = new ObjectMeta { GenerateName = "cfg-" } }, cancellationToken: api.Cancel);
        Assert.StartsWith("cfg-", generated.Metadata!.Name, StringComparison.Ordinal);
        Assert.True(generated.Metadata.Name!.Length > "cfg-".Length);
    }

    [Fact]
    public async Task MergeJsonAndStrategicPatches()
    {
        await using EmulatorHarness api = await StartAsync();
        var pods = api.Kube.CoreV1.Pods;
        await pods.CreateAsync(Ns, Pod("web-1", labels: new Dictionary<string, string> { ["app"] = "web", ["old"] = "x" }), cancellationToken: api.Cancel);

        Pod merged = await pods.PatchAsync(Ns, "web-1", KubePatch.Merge("""{"metadata":{"labels":{"app":"api","old":null}}}"""), cancellationToken: api.Cancel);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "api" }, merged.Metadata!.Labels);

        var typed = KubePatch.Merge(new Pod { Metadata = new ObjectMeta { Annotations = new Dictionary<string, string> { ["note"] = "typed" } } }, ClientTests.Kube.CoreV1.Pod.JsonTypeInfo);
        Assert.Equal("typed", (await pods.PatchAsync(Ns, "web-1", typed, cancellationToken: api.Cancel)).Metadata!.Annotations!["note"]);

        Pod jsonPatched = await pods.PatchAsync(Ns, "web-1", KubePatch.Json("""[{"op":"add","path":"/metadata/labels/tier","value":"db"},{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.29"}]"""), cancellationToken: api.Cancel);
        Assert.Equal("db", jsonPatched.Metadata!.Labels!["tier"]);
        Assert.Equal("nginx:1.29", jsonPatched.Spec!.Containers[0].Image);

        // Strategic merge patch merges containers by their merge key (name); a merge patch would replace the list.
        Pod strategic = await pods.PatchAsync(Ns, "web-1", KubePatch.StrategicMerge("""{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}"""), cancellationToken: api.Cancel);
        Assert.Equal(["sidecar", "web"], strategic.Spec!.Containers.Select(c => c.Name).Order(StringComparer.Ordinal));
        Pod replacedList = await pods.PatchAsync(Ns, "web-1", KubePatch.Merge("""{"spec":{"containers":[{"name":"only","image":"busybox"}]}}"""), cancellationToken: api.Cancel);
        Assert.Equal(["only"], replacedList.Spec!.Containers.Select(c => c.Name));

        // A failing JSON patch test operation is rejected and changes nothing.
        var failed = await Assert.ThrowsAsync<KubeApiException>(() => pods.PatchAsync(Ns, "web-1", KubePatch.Json("""[{"op":"test","path":"/metadata/labels/tier","value":"web"}]"""), cancellationToken: api.Cancel));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, failed.StatusCode);
    }

    [Fact]
    public async Task ServerSideApplyConflictsWithoutForce()
    {
        await using EmulatorHarness api = await StartAsync();
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        const string Alice = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  owner: alice\n  a: \"1\"\n";
        const string Bob = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  owner: bob\n";

        ConfigMap created = await configMaps.PatchAsync(Ns, "shared", KubePatch.Apply(Alice), new() { FieldManager = "alice" }, cancellationToken: api.Cancel);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "alice", ["a"] = "1" }, created.Data);
        Assert.Contains(created.Metadata!.ManagedFields!, m => m.Manager == "alice" && m.Operation == "Apply");

        var conflict = await Assert.ThrowsAsync<KubeApiException>(() => configMaps.PatchAsync(Ns, "shared", KubePatch.Apply(Bob), new() { FieldManager = "bob" }, cancellationToken: api.Cancel));
        Assert.True(conflict.IsConflict);
        Assert.False(conflict.IsAlreadyExists);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\" using v1: .data.owner", conflict.Status.Message);
        Assert.Equal("alice", (await configMaps.GetAsync(Ns, "shared", cancellationToken: api.Cancel)).Data!["owner"]);

        ConfigMap forced = await configMaps.PatchAsync(Ns, "shared", KubePatch.Apply(Bob), new() { FieldManager = "bob", Force = true }, cancellationToken: api.Cancel);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "bob", ["a"] = "1" }, forced.Data);

        // Alice no longer owns .data.owner; applying without it leaves bob's value and drops nothing of bob's.
        ConfigMap reapplied = await configMaps.PatchAsync(Ns, "shared", KubePatch.Apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  a: \"2\"\n"), new() { FieldManager = "alice" }, cancellationToken: api.Cancel);
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "bob", ["a"] = "2" }, reapplied.Data);
    }

    [Fact]
    public async Task DeletePreconditionsFinalizersAndDeleteCollection()
    {
        await using EmulatorHarness api = await StartAsync();
        var configMaps = api.Kube.CoreV1.ConfigMaps;
        ConfigMap kept = ConfigMap("kept");
        kept.Metadata!.Finalizers = ["example.com/hold"];
        ConfigMap created = await configMaps.CreateAsync(Ns, kept, cancellationToken: api.Cancel);

        // Preconditions that do not match are 409 Conflict.
        var stale = await Assert.ThrowsAsync<KubeApiException>(() => configMaps.DeleteAsync(Ns, "kept", new DeleteOptions { Preconditions = new Preconditions { ResourceVersion = "1" } }, cancellationToken: api.Cancel));
        Assert.True(stale.IsConflict);
        Assert.StartsWith("Operation cannot be fulfilled on configmaps \"kept\": Precondition failed: ResourceVersion in precondition: 1", stale.Status.Message, StringComparison.Ordinal);
        var wrongUid = await Assert.ThrowsAsync<KubeApiException>(() => configMaps.DeleteAsync(Ns, "kept", new DeleteOptions { Preconditions = new Preconditions { Uid = "not-the-uid" } }, cancellationToken: api.Cancel));
        Assert.True(wrongUid.IsConflict);

        // With a finalizer the delete returns the object, marked, and it stays.
        ConfigMap? pending = await configMaps.DeleteAsync(Ns, "kept", new DeleteOptions { Preconditions = new Preconditions { Uid = created.Metadata!.Uid, ResourceVersion = created.Metadata.ResourceVersion } }, cancellationToken: api.Cancel);
        Assert.NotNull(pending);
        Assert.NotNull(pending.Metadata!.DeletionTimestamp);
        ConfigMap marked = await configMaps.GetAsync(Ns, "kept", cancellationToken: api.Cancel);
        Assert.Equal(pending.Metadata.DeletionTimestamp, marked.Metadata!.DeletionTimestamp);

        // Removing the last finalizer completes the deletion.
        marked.Metadata.Finalizers = [];
        await configMaps.ReplaceAsync(Ns, "kept", marked, cancellationToken: api.Cancel);
        Assert.True((await Assert.ThrowsAsync<KubeApiException>(() => configMaps.GetAsync(Ns, "kept", cancellationToken: api.Cancel))).IsNotFound);

        // deletecollection with a label selector deletes exactly the selection.
        for (int i = 0; i < 6; i++)
        {
            await configMaps.CreateAsync(Ns, ConfigMap($"c{i}", new Dictionary<string, string> { ["batch"] = i % 2 == 0 ? "even" : "odd" }), cancellationToken: api.Cancel);
        }

        await configMaps.DeleteCollectionAsync(Ns, new() { LabelSelector = "batch=even" }, cancellationToken: api.Cancel);
        Assert.Equal(["c1", "c3", "c5"], (await configMaps.ListAsync(Ns, cancellationToken: api.Cancel)).Items.Select(c => c.Metadata!.Name));
        await configMaps.DeleteCollectionAsync(Ns, new() { PropagationPolicy = "Background" }, api.Cancel);
        Assert.Empty((await configMaps.ListAsync(Ns, cancellationToken: api.Cancel)).Items);
    }

    [Fact]
    public async Task StatusSubresourceSeparatesStatusFromTheRest()
    {
        await using EmulatorHarness api = await StartAsync();
        var deployments = api.Kube.AppsV1.Deployments;
        Deployment withStatus = Deployment("web", replicas: 2);
        withStatus.Status = new DeploymentStatus { Replicas = 9 };
        Deployment created = await deployments.CreateAsync(Ns, withStatus, cancellationToken: api.Cancel);
        Assert.Null(created.Status?.Replicas);

        // Writes to the main resource ignore .status.
        created.Status = new DeploymentStatus { Replicas = 7, ReadyReplicas = 7 };
        created.Spec!.Replicas = 4;
        Deployment replaced = await deployments.ReplaceAsync(Ns, "web", created, cancellationToken: api.Cancel);
        Assert.Equal(4, replaced.Spec!.Replicas);
        Assert.Null(replaced.Status?.Replicas);

        // Writes to /status change only .status.
        Deployment current = await deployments.GetStatusAsync(Ns, "web", cancellationToken: api.Cancel);
        current.Status = new DeploymentStatus { Replicas = 4, ReadyReplicas = 3, ObservedGeneration = current.Metadata!.Generation };
        current.Spec!.Replicas = 100;
        Deployment statusWritten = await deployments.ReplaceStatusAsync(Ns, "web", current, cancellationToken: api.Cancel);
        Assert.Equal((4, 3), (statusWritten.Status!.Replicas, statusWritten.Status.ReadyReplicas));
        Assert.Equal(4, statusWritten.Spec!.Replicas);
        Assert.Equal(replaced.Metadata!.Generation, statusWritten.Metadata!.Generation);

        Deployment patched = await deployments.PatchStatusAsync(Ns, "web", KubePatch.Merge("""{"status":{"readyReplicas":4}}"""), cancellationToken: api.Cancel);
        Assert.Equal(4, patched.Status!.ReadyReplicas);
        Assert.Equal(4, (await deployments.GetAsync(Ns, "web", cancellationToken: api.Cancel)).Status!.ReadyReplicas);

        // The same for a CRD with a status subresource.
        var cronTabs = api.Kube.StableV1.CronTabs;
        CronTab tab = await cronTabs.CreateAsync(Ns, new CronTab { Metadata = new ObjectMeta { Name = "nightly" }, Spec = new CronTabSpec { CronSpec = "0 3 * * *", Image = "backup:1", Replicas = 1 } }, cancellationToken: api.Cancel);
        tab.Status = new CronTabStatus { Replicas = 1, Selector = "app=nightly" };
        Assert.Null((await cronTabs.ReplaceAsync(Ns, "nightly", tab, cancellationToken: api.Cancel)).Status);
        CronTab statusTab = await cronTabs.GetStatusAsync(Ns, "nightly", cancellationToken: api.Cancel);
        statusTab.Status = new CronTabStatus { Replicas = 1, Selector = "app=nightly" };
        Assert.Equal("app=nightly", (await cronTabs.ReplaceStatusAsync(Ns, "nightly", statusTab, cancellationToken: api.Cancel)).Status!.Selector);
    }

    [Fact]
    public async Task ScaleSubresourceReadsAndWritesReplicas()
    {
        await using EmulatorHarness api = await StartAsync();
        var deployments = api.Kube.AppsV1.Deployments;
        await deployments.CreateAsync(Ns, Deployment("web", replicas: 2), cancellationToken: api.Cancel);

        Scale scale = await deployments.GetScaleAsync(Ns, "web", cancellationToken: api.Cancel);
        Assert.Equal(("autoscaling/v1", "Scale", "web", 2), (scale.ApiVersion, scale.Kind, scale.Metadata!.Name, scale.Spec!.Replicas));
        Assert.Equal("app=web", scale.Status!.Selector);

        scale.Spec.Replicas = 5;
        Scale updated = await deployments.ReplaceScaleAsync(Ns, "web", scale, cancellationToken: api.Cancel);
        Assert.Equal(5, updated.Spec!.Replicas);
        Assert.Equal(5, (await deployments.GetAsync(Ns, "web", cancellationToken: api.Cancel)).Spec!.Replicas);

        // The Scale carries the deployment's resourceVersion: replacing with the old one conflicts.
        var conflict = await Assert.ThrowsAsync<KubeApiException>(() => deployments.ReplaceScaleAsync(Ns, "web", scale, cancellationToken: api.Cancel));
        Assert.True(conflict.IsConflict);

        Assert.Equal(1, (await deployments.PatchScaleAsync(Ns, "web", KubePatch.Merge("""{"spec":{"replicas":1}}"""), cancellationToken: api.Cancel)).Spec!.Replicas);

        // A CRD's scale maps spec.replicas / status.replicas as its spec declares.
        var cronTabs = api.Kube.StableV1.CronTabs;
        await cronTabs.CreateAsync(Ns, new CronTab { Metadata = new ObjectMeta { Name = "nightly" }, Spec = new CronTabSpec { CronSpec = "0 3 * * *", Image = "backup:1", Replicas = 2 } }, cancellationToken: api.Cancel);
        Scale tabScale = await cronTabs.GetScaleAsync(Ns, "nightly", cancellationToken: api.Cancel);
        Assert.Equal(2, tabScale.Spec!.Replicas);
        tabScale.Spec.Replicas = 6;
        await cronTabs.ReplaceScaleAsync(Ns, "nightly", tabScale, cancellationToken: api.Cancel);
        Assert.Equal(6L, (await cronTabs.GetAsync(Ns, "nightly", cancellationToken: api.Cancel)).Spec!.Replicas);
    }

    [Fact]
    public async Task ClusterScopedNamespacesAndSecrets()
    {
        await using EmulatorHarness api = await StartAsync();
        Namespace created = await api.Kube.CoreV1.Namespaces.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "team-a" } }, cancellationToken: api.Cancel);
        Assert.Equal("team-a", created.Metadata!.Name);
        Assert.Contains("team-a", (await api.Kube.CoreV1.Namespaces.ListAsync(cancellationToken: api.Cancel)).Items.Select(n => n.Metadata!.Name));

        var secret = new Secret { Metadata = new ObjectMeta { Name = "creds" }, Type = "Opaque", Data = new Dictionary<string, byte[]> { ["password"] = "s3cr3t"u8.ToArray() } };
        await api.Kube.CoreV1.Secrets.CreateAsync("team-a", secret, cancellationToken: api.Cancel);
        Assert.Equal("s3cr3t"u8.ToArray(), (await api.Kube.CoreV1.Secrets.GetAsync("team-a", "creds", cancellationToken: api.Cancel)).Data!["password"]);

        // A namespace that does not exist is 404 for namespaced creates.
        var missing = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Secrets.CreateAsync("nowhere", secret, cancellationToken: api.Cancel));
        Assert.True(missing.IsNotFound);
        Assert.Equal("namespaces \"nowhere\" not found", missing.Status.Message);

        // Deleting the namespace deletes what it holds.
        await api.Kube.CoreV1.Namespaces.DeleteAsync("team-a", cancellationToken: api.Cancel);
        Assert.True((await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Secrets.GetAsync("team-a", "creds", cancellationToken: api.Cancel))).IsNotFound);
    }
}
