using ClientTests.Kube.CoreV1;
using KubeGen.Client.Tests.Emulator;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>
/// Metadata-only informers against the emulator. The emulator answers <c>as=PartialObjectMetadataList</c> with full objects
/// (as a server that ignores the Accept header does), so these tests also prove the fallback: only metadata is kept.
/// </summary>
public sealed class MetadataClientTests
{
    [Fact]
    public async Task A_metadata_only_cache_keeps_names_labels_owners_and_finalizers_and_follows_changes()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        ConfigMap owner = await api.Kube.CoreV1.ConfigMaps.CreateAsync(EmulatorHarness.Ns, EmulatorHarness.ConfigMap("owner", new Dictionary<string, string> { ["tier"] = "web" }), cancellationToken: api.Cancel);
        await api.Kube.CoreV1.ConfigMaps.CreateAsync(EmulatorHarness.Ns, new ConfigMap
        {
            Metadata = new ClientTests.Kube.MetaV1.ObjectMeta
            {
                Name = "child",
                Labels = new Dictionary<string, string> { ["tier"] = "web" },
                Finalizers = ["example.com/keep"],
                OwnerReferences = [new ClientTests.Kube.MetaV1.OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "owner", Uid = owner.Metadata!.Uid!, Controller = true }],
            },
            Data = new Dictionary<string, string> { ["big"] = new string('x', 4096) },
        }, cancellationToken: api.Cancel);

        var metadata = new MetadataClient(api.Kube.Connection);
        await using ResourceCache<PartialObjectMetadata, PartialObjectMetadataList> cache = metadata.CreateCache(new MetadataResource("", "v1", "configmaps", EmulatorHarness.Ns), new() { LabelSelector = "tier=web" });
        var owners = new List<ReconcileRequest>();
        cache.OnAdded += item => new EnqueueForOwner<PartialObjectMetadata>("v1", "ConfigMap").Map(item, owners);
        _ = cache.StartAsync(api.Cancel);
        await cache.WaitForSyncAsync(api.Cancel).WaitAsync(TimeSpan.FromSeconds(15), api.Cancel);

        PartialObjectMetadata child = cache.Get(EmulatorHarness.Ns, "child")!;
        Assert.Equal(["example.com/keep"], child.Metadata.Finalizers);
        Assert.Equal("web", child.Metadata.Labels!["tier"]);
        Assert.Equal(owner.Metadata.Uid, Assert.Single(child.Metadata.OwnerReferences!).Uid);
        Assert.False(string.IsNullOrEmpty(child.Metadata.Uid));
        Assert.Equal([new ReconcileRequest(EmulatorHarness.Ns, "owner")], owners);

        await api.Kube.CoreV1.ConfigMaps.PatchAsync(EmulatorHarness.Ns, "owner", KubeGen.Runtime.KubePatch.Merge("""{"metadata":{"annotations":{"seen":"yes"}}}"""), cancellationToken: api.Cancel);
        DateTime deadline = DateTime.UtcNow.AddSeconds(15);
        while (cache.Get(EmulatorHarness.Ns, "owner")?.Metadata.Annotations?.ContainsKey("seen") != true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the metadata-only watch did not deliver the change");
            await Task.Delay(20, api.Cancel);
        }
    }

    [Fact]
    public void The_reader_keeps_only_metadata_of_a_full_object_and_reads_a_partial_list()
    {
        PartialObjectMetadata full = System.Text.Json.JsonSerializer.Deserialize(
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"shop","resourceVersion":"7","generation":2,"managedFields":[{"manager":"kubectl"}],"labels":{"x":"1"}},"data":{"k":"v"},"spec":{"nested":[1,2,{"a":null}]}}""",
            PartialObjectMetadata.JsonTypeInfo)!;
        Assert.Equal(("v1", "ConfigMap", "a", "shop", "7", 2L), (full.ApiVersion, full.Kind, full.Metadata.Name, full.Metadata.Namespace, full.Metadata.ResourceVersion, full.Metadata.Generation));
        Assert.Equal("1", full.Metadata.Labels!["x"]);

        PartialObjectMetadataList list = System.Text.Json.JsonSerializer.Deserialize(
            """{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"42","continue":"next"},"items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"a"}},{"metadata":{"name":"b","deletionTimestamp":"2026-01-02T03:04:05Z"}}]}""",
            PartialObjectMetadataList.JsonTypeInfo)!;
        Assert.Equal(("42", "next"), (list.ResourceVersion, list.Continue));
        Assert.Equal(["a", "b"], list.Items!.Select(i => i.Metadata.Name));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), list.Items![1].Metadata.DeletionTimestamp);
    }
}
