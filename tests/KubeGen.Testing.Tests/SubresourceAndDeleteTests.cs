using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

public sealed class SubresourceAndDeleteTests
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    [Fact]
    public async Task Main_writes_ignore_status_and_status_writes_ignore_the_rest()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync(Deployments, Deployment("web").Replace("\"spec\":", "\"status\":{\"replicas\":9},\"spec\":", StringComparison.Ordinal));
        Assert.Null(created.Body.Str("status.replicas"));

        var status = await client.PatchAsync(Deployments + "/web/status", """{"spec":{"replicas":7},"status":{"replicas":3}}""", "application/merge-patch+json");
        Assert.Equal("3", status.Body.Str("status.replicas"));
        Assert.Equal("1", status.Body.Str("spec.replicas"));

        JsonObject current = status.Body!.AsObject();
        current["status"] = new JsonObject { ["replicas"] = 100 };
        current["spec"]!["replicas"] = 4;
        var main = await client.PutJsonAsync(Deployments + "/web", current.ToJsonString());
        Assert.Equal("3", main.Body.Str("status.replicas"));
        Assert.Equal("4", main.Body.Str("spec.replicas"));

        var got = await client.GetJsonAsync(Deployments + "/web/status");
        Assert.Equal("Deployment", got.Body.Str("kind"));
    }

    [Fact]
    public async Task Scale_subresource_reads_and_writes_replicas()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(Deployments, Deployment("web", replicas: 2));
        var scale = await client.GetJsonAsync(Deployments + "/web/scale");
        Assert.Equal("Scale", scale.Body.Str("kind"));
        Assert.Equal("autoscaling/v1", scale.Body.Str("apiVersion"));
        Assert.Equal("2", scale.Body.Str("spec.replicas"));
        Assert.Equal("app=web", scale.Body.Str("status.selector"));

        JsonObject update = scale.Body!.AsObject();
        update["spec"]!["replicas"] = 5;
        var updated = await client.PutJsonAsync(Deployments + "/web/scale", update.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, updated.Code);
        Assert.Equal("5", updated.Body.Str("spec.replicas"));
        Assert.Equal("5", (await client.GetJsonAsync(Deployments + "/web")).Body.Str("spec.replicas"));

        // The Scale's resourceVersion is the deployment's: a stale one conflicts.
        AssertStatus(await client.PutJsonAsync(Deployments + "/web/scale", update.ToJsonString()), 409, "Conflict");

        var patched = await client.PatchAsync(Deployments + "/web/scale", """{"spec":{"replicas":1}}""", "application/merge-patch+json");
        Assert.Equal("1", patched.Body.Str("spec.replicas"));
    }

    [Fact]
    public async Task Finalizers_keep_the_object_until_removed()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        const string Path = "/api/v1/namespaces/default/configmaps/f";
        await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"f","finalizers":["example.com/cleanup"]}}""");

        var deleting = await client.DeleteJsonAsync(Path);
        Assert.Equal(HttpStatusCode.OK, deleting.Code);
        Assert.Equal("ConfigMap", deleting.Body.Str("kind"));
        Assert.NotNull(deleting.Body.Str("metadata.deletionTimestamp"));

        var still = await client.GetJsonAsync(Path);
        Assert.Equal(HttpStatusCode.OK, still.Code);
        Assert.Equal(deleting.Body.Str("metadata.deletionTimestamp"), still.Body.Str("metadata.deletionTimestamp"));

        var cleared = await client.PatchAsync(Path, """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, cleared.Code);
        AssertStatus(await client.GetJsonAsync(Path), 404, "NotFound");
    }

    [Fact]
    public async Task Delete_preconditions_conflict()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", ConfigMap("a"));
        string rv = created.Body.Str("metadata.resourceVersion")!;
        string uid = created.Body.Str("metadata.uid")!;
        AssertStatus(
            await client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/a", """{"preconditions":{"uid":"other"}}"""),
            409, "Conflict", $"Operation cannot be fulfilled on configmaps \"a\": Precondition failed: UID in precondition: other, UID in object meta: {uid}");
        AssertStatus(
            await client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/a", """{"preconditions":{"resourceVersion":"1"}}"""),
            409, "Conflict", $"Operation cannot be fulfilled on configmaps \"a\": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: {rv}");
        var ok = await client.DeleteJsonAsync("/api/v1/namespaces/default/configmaps/a", $$"""{"preconditions":{"uid":"{{uid}}","resourceVersion":"{{rv}}"},"propagationPolicy":"Foreground"}""");
        Assert.Equal(HttpStatusCode.OK, ok.Code);
    }

    [Fact]
    public async Task Deleting_an_owner_deletes_dependents_unless_orphaned()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string uid = (await client.PostJsonAsync(Deployments, Deployment("owner"))).Body.Str("metadata.uid")!;
        string dependent(string name) => $$$"""{"metadata":{"name":"{{{name}}}","ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"owner","uid":"{{{uid}}}"}]}}""";
        await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", dependent("dep"));
        await client.DeleteJsonAsync(Deployments + "/owner");
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/default/configmaps/dep"), 404, "NotFound");

        uid = (await client.PostJsonAsync(Deployments, Deployment("owner"))).Body.Str("metadata.uid")!;
        await client.PostJsonAsync("/api/v1/namespaces/default/configmaps", dependent("orphan"));
        await client.DeleteJsonAsync(Deployments + "/owner?propagationPolicy=Orphan");
        var orphan = await client.GetJsonAsync("/api/v1/namespaces/default/configmaps/orphan");
        Assert.Equal(HttpStatusCode.OK, orphan.Code);
        Assert.Null(orphan.Body!["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Dry_run_changes_nothing()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        long before = server.ResourceVersion;
        var created = await client.PostJsonAsync("/api/v1/namespaces/default/configmaps?dryRun=All", ConfigMap("a"));
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal(before, server.ResourceVersion);
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/default/configmaps/a"), 404, "NotFound");
    }
}
