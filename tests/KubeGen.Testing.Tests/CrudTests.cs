using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

public sealed class CrudTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Create_get_list_replace_delete_round_trip_with_server_metadata()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();

        var created = await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal("default", created.Body.Str("metadata.namespace"));
        Assert.True(Guid.TryParse(created.Body.Str("metadata.uid"), out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", created.Body.Str("metadata.creationTimestamp"));
        long rv1 = long.Parse(created.Body.Str("metadata.resourceVersion")!);

        var got = await client.GetJsonAsync(ConfigMaps + "/a");
        Assert.Equal(HttpStatusCode.OK, got.Code);
        Assert.Equal(created.Body.Str("metadata.uid"), got.Body.Str("metadata.uid"));

        JsonObject replacement = got.Body!.AsObject();
        replacement["data"] = new JsonObject { ["k"] = "changed" };
        var replaced = await client.PutJsonAsync(ConfigMaps + "/a", replacement.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, replaced.Code);
        Assert.Equal("changed", replaced.Body.Str("data.k"));
        Assert.True(long.Parse(replaced.Body.Str("metadata.resourceVersion")!) > rv1);

        var list = await client.GetJsonAsync(ConfigMaps);
        Assert.Equal("ConfigMapList", list.Body.Str("kind"));
        Assert.Equal("v1", list.Body.Str("apiVersion"));
        Assert.Single(list.Body!["items"]!.AsArray());
        Assert.Equal(replaced.Body.Str("metadata.resourceVersion"), list.Body.Str("metadata.resourceVersion"));

        var deleted = await client.DeleteJsonAsync(ConfigMaps + "/a");
        Assert.Equal(HttpStatusCode.OK, deleted.Code);
        Assert.Equal("Status", deleted.Body.Str("kind"));
        Assert.Equal("Success", deleted.Body.Str("status"));
        Assert.Equal("a", deleted.Body.Str("details.name"));
        Assert.Equal("configmaps", deleted.Body.Str("details.kind"));

        AssertStatus(await client.GetJsonAsync(ConfigMaps + "/a"), 404, "NotFound", "configmaps \"a\" not found");
    }

    [Fact]
    public async Task Resource_versions_come_from_one_increasing_counter_across_resources()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var a = await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        var p = await client.PostJsonAsync("/api/v1/namespaces/default/pods", Pod("p"));
        var b = await client.PostJsonAsync(ConfigMaps, ConfigMap("b"));
        long[] versions = [long.Parse(a.Body.Str("metadata.resourceVersion")!), long.Parse(p.Body.Str("metadata.resourceVersion")!), long.Parse(b.Body.Str("metadata.resourceVersion")!)];
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Length, versions.Distinct().Count());
        Assert.Equal(versions[^1], server.ResourceVersion);
    }

    [Fact]
    public async Task Pods_delete_returns_the_object_other_kinds_a_Status()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync("/api/v1/namespaces/default/pods", Pod("p"));
        var deleted = await client.DeleteJsonAsync("/api/v1/namespaces/default/pods/p");
        Assert.Equal(HttpStatusCode.OK, deleted.Code);
        Assert.Equal("Pod", deleted.Body.Str("kind"));
        Assert.Equal("p", deleted.Body.Str("metadata.name"));
    }

    [Fact]
    public async Task Create_twice_is_AlreadyExists()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync("/apis/apps/v1/namespaces/default/deployments", Deployment("web"));
        var again = await client.PostJsonAsync("/apis/apps/v1/namespaces/default/deployments", Deployment("web"));
        AssertStatus(again, 409, "AlreadyExists", "deployments.apps \"web\" already exists");
        Assert.Equal("apps", again.Body.Str("details.group"));
        Assert.Equal("deployments", again.Body.Str("details.kind"));
        Assert.Equal("web", again.Body.Str("details.name"));
    }

    [Fact]
    public async Task GenerateName_makes_a_unique_name()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        const string Body = """{"metadata":{"generateName":"job-"},"data":{}}""";
        var first = await client.PostJsonAsync(ConfigMaps, Body);
        var second = await client.PostJsonAsync(ConfigMaps, Body);
        Assert.Matches("^job-[a-z0-9]{5}$", first.Body.Str("metadata.name"));
        Assert.NotEqual(first.Body.Str("metadata.name"), second.Body.Str("metadata.name"));
        Assert.Equal("ConfigMap", first.Body.Str("kind"));
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_is_NotFound_for_the_namespace()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var response = await client.PostJsonAsync("/api/v1/namespaces/nope/configmaps", ConfigMap("a"));
        AssertStatus(response, 404, "NotFound", "namespaces \"nope\" not found");
        Assert.Equal("namespaces", response.Body.Str("details.kind"));

        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"nope"}}""")).Code);
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/namespaces/nope/configmaps", ConfigMap("a"))).Code);
    }

    [Fact]
    public async Task Deleting_a_namespace_removes_its_objects()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"team"}}""");
        await client.PostJsonAsync("/api/v1/namespaces/team/configmaps", ConfigMap("a"));
        await client.DeleteJsonAsync("/api/v1/namespaces/team");
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/team/configmaps/a"), 404, "NotFound");
    }

    [Fact]
    public async Task Replace_with_a_stale_resourceVersion_is_a_Conflict()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        JsonObject original = (await client.PostJsonAsync(ConfigMaps, ConfigMap("a"))).Body!.AsObject();
        JsonObject first = original.DeepClone().AsObject();
        first["data"] = new JsonObject { ["k"] = "1" };
        Assert.Equal(HttpStatusCode.OK, (await client.PutJsonAsync(ConfigMaps + "/a", first.ToJsonString())).Code);

        JsonObject stale = original.DeepClone().AsObject();
        stale["data"] = new JsonObject { ["k"] = "2" };
        var conflict = await client.PutJsonAsync(ConfigMaps + "/a", stale.ToJsonString());
        AssertStatus(conflict, 409, "Conflict", "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again");
    }

    [Fact]
    public async Task Replace_of_a_missing_object_is_NotFound_and_name_mismatch_is_BadRequest()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        AssertStatus(await client.PutJsonAsync(ConfigMaps + "/a", ConfigMap("a")), 404, "NotFound", "configmaps \"a\" not found");
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        AssertStatus(await client.PutJsonAsync(ConfigMaps + "/a", ConfigMap("b")), 400, "BadRequest", "the name of the object (b) does not match the name on the URL (a)");
    }

    [Fact]
    public async Task Generation_is_bumped_on_spec_changes_only()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        const string Path = "/apis/apps/v1/namespaces/default/deployments/web";
        var created = await client.PostJsonAsync("/apis/apps/v1/namespaces/default/deployments", Deployment("web"));
        Assert.Equal("1", created.Body.Str("metadata.generation"));

        var labelled = await client.PatchAsync(Path, """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");
        Assert.Equal("1", labelled.Body.Str("metadata.generation"));

        var scaled = await client.PatchAsync(Path, """{"spec":{"replicas":5}}""", "application/merge-patch+json");
        Assert.Equal("2", scaled.Body.Str("metadata.generation"));

        var status = await client.PatchAsync(Path + "/status", """{"status":{"replicas":5}}""", "application/merge-patch+json");
        Assert.Equal("2", status.Body.Str("metadata.generation"));
    }

    [Fact]
    public async Task A_no_op_update_keeps_the_resourceVersion()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync(ConfigMaps, ConfigMap("a"));
        var patched = await client.PatchAsync(ConfigMaps + "/a", """{"data":{"k":"v"}}""", "application/merge-patch+json");
        Assert.Equal(created.Body.Str("metadata.resourceVersion"), patched.Body.Str("metadata.resourceVersion"));
    }

    [Fact]
    public async Task Cluster_scoped_resources_have_no_namespace()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        var node = await client.PostJsonAsync("/api/v1/nodes", """{"metadata":{"name":"n1","namespace":"ignored"}}""");
        Assert.Equal(HttpStatusCode.Created, node.Code);
        Assert.Null(node.Body.Str("metadata.namespace"));
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/default/nodes/n1"), 404, "NotFound");
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/api/v1/nodes/n1")).Code);
    }

    [Fact]
    public async Task List_across_namespaces_and_deletecollection_with_a_selector()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"other"}}""");
        await client.PostJsonAsync(ConfigMaps, ConfigMap("a", labels: """{"app":"x"}"""));
        await client.PostJsonAsync(ConfigMaps, ConfigMap("b", labels: """{"app":"y"}"""));
        await client.PostJsonAsync("/api/v1/namespaces/other/configmaps", ConfigMap("c", labels: """{"app":"x"}"""));

        var all = await client.GetJsonAsync("/api/v1/configmaps");
        Assert.Equal(["default/a", "default/b", "other/c"], all.Body!["items"]!.AsArray().Select(i => $"{i.Str("metadata.namespace")}/{i.Str("metadata.name")}"));

        var deleted = await client.DeleteJsonAsync(ConfigMaps + "?labelSelector=app%3Dx");
        Assert.Equal(HttpStatusCode.OK, deleted.Code);
        Assert.Equal("ConfigMapList", deleted.Body.Str("kind"));
        Assert.Single(deleted.Body!["items"]!.AsArray());
        var left = await client.GetJsonAsync("/api/v1/configmaps");
        Assert.Equal(["b", "c"], left.Body!["items"]!.AsArray().Select(i => i.Str("metadata.name")));
    }

    [Fact]
    public async Task Seeded_objects_are_served_with_their_status()
    {
        await using KubeApiServerEmulator server = await StartAsync(o => o.SeedManifests.Add("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: seeded
              namespace: apps
              labels: {tier: "1"}
            spec:
              containers: [{name: c, image: nginx}]
            status:
              phase: Running
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: from-list}
              data: {enabled: "true", count: "3"}
            """));
        using HttpClient client = server.CreateHttpClient();
        var pod = await client.GetJsonAsync("/api/v1/namespaces/apps/pods/seeded");
        Assert.Equal("Running", pod.Body.Str("status.phase"));
        Assert.Equal("1", pod.Body.Str("metadata.labels.tier"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/api/v1/namespaces/apps")).Code);
        var cm = await client.GetJsonAsync("/api/v1/namespaces/default/configmaps/from-list");
        Assert.Equal("true", cm.Body.Str("data.enabled"));
        Assert.Equal("v1", server.GetObject("v1", "ConfigMap", "default", "from-list")?.Str("apiVersion"));
    }

    [Fact]
    public async Task Works_over_HTTP2()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient(httpVersion: HttpVersion.Version20);
        using HttpResponseMessage response = await client.GetAsync("/api/v1/namespaces/default/configmaps", Ct);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
