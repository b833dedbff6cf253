using System.Net;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

public sealed class PatchTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    [Fact]
    public async Task Merge_patch_sets_and_removes_fields()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(Pods, Pod("p", labels: """{"a":"1","b":"2"}"""));
        var patched = await client.PatchAsync(Pods + "/p", """{"metadata":{"labels":{"a":null,"c":"3"}}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched.Code);
        Assert.Equal("""{"b":"2","c":"3"}""", patched.Body!["metadata"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public async Task Json_patch_applies_operations_and_test_failures_are_422()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(Pods, Pod("p"));
        var patched = await client.PatchAsync(Pods + "/p", """[{"op":"test","path":"/spec/containers/0/name","value":"c"},{"op":"replace","path":"/spec/containers/0/image","value":"busybox"},{"op":"add","path":"/metadata/labels/x","value":"y"}]""", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched.Code);
        Assert.Equal("busybox", patched.Body!["spec"]!["containers"]![0].Str("image"));
        Assert.Equal("y", patched.Body.Str("metadata.labels.x"));

        var failed = await client.PatchAsync(Pods + "/p", """[{"op":"test","path":"/spec/containers/0/name","value":"other"}]""", "application/json-patch+json");
        Assert.Equal(422, (int)failed.Code);
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_by_name()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(Pods, Pod("p"));
        var patched = await client.PatchAsync(Pods + "/p", """{"spec":{"containers":[{"name":"c","image":"nginx:2"},{"name":"sidecar","image":"envoy"}]}}""", "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched.Code);
        var containers = patched.Body!["spec"]!["containers"]!.AsArray();
        Assert.Equal(2, containers.Count);
        Assert.Equal("nginx:2", containers[0].Str("image"));
        // The container keeps its port; the server defaults its protocol.
        Assert.Equal("""[{"containerPort":80,"protocol":"TCP"}]""", containers[0]!["ports"]!.ToJsonString());
        Assert.Equal("sidecar", containers[1].Str("name"));

        var removed = await client.PatchAsync(Pods + "/p", """{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}""", "application/strategic-merge-patch+json");
        Assert.Single(removed.Body!["spec"]!["containers"]!.AsArray());

        // A merge patch replaces the list instead.
        var merged = await client.PatchAsync(Pods + "/p", """{"spec":{"containers":[{"name":"only","image":"x"}]}}""", "application/merge-patch+json");
        Assert.Equal("""[{"name":"only","image":"x","imagePullPolicy":"Always","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","resources":{}}]""", merged.Body!["spec"]!["containers"]!.ToJsonString());
    }

    [Fact]
    public async Task Strategic_merge_patch_is_unsupported_for_custom_resources()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync("/apis/stable.example.com/v1/namespaces/default/crontabs", """{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"ct"},"spec":{"cronSpec":"* * * * *","image":"x"}}""");
        var response = await client.PatchAsync("/apis/stable.example.com/v1/namespaces/default/crontabs/ct", """{"spec":{"image":"y"}}""", "application/strategic-merge-patch+json");
        AssertStatus(response, 415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
    }

    [Fact]
    public async Task Patch_with_a_stale_resourceVersion_conflicts()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(Pods, Pod("p"));
        var response = await client.PatchAsync(Pods + "/p", """{"metadata":{"resourceVersion":"1","labels":{"x":"y"}}}""", "application/merge-patch+json");
        AssertStatus(response, 409, "Conflict", "Operation cannot be fulfilled on pods \"p\": the object has been modified; please apply your changes to the latest version and try again");
    }

    [Fact]
    public async Task Server_side_apply_creates_updates_and_reports_conflicts()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        const string Path = "/apis/apps/v1/namespaces/default/deployments/web";
        string applied = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {team: a}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: c, image: nginx}]
            """;
        var missingManager = await client.PatchAsync(Path, applied, "application/apply-patch+yaml");
        AssertStatus(missingManager, 400, "BadRequest");

        var created = await client.PatchAsync(Path + "?fieldManager=alice", applied, "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.Created, created.Code);
        Assert.Equal("2", created.Body.Str("spec.replicas"));
        Assert.Contains("alice", created.Body!["metadata"]!["managedFields"]!.ToJsonString(), StringComparison.Ordinal);

        // Bob changes replicas with a plain update: he now owns the field.
        await client.PatchAsync(Path + "?fieldManager=bob", """{"spec":{"replicas":3}}""", "application/merge-patch+json");

        var conflict = await client.PatchAsync(Path + "?fieldManager=alice", applied, "application/apply-patch+yaml");
        AssertStatus(conflict, 409, "Conflict", "Apply failed with 1 conflict: conflict with \"bob\" using apps/v1: .spec.replicas");
        Assert.Equal(".spec.replicas", conflict.Body!["details"]!["causes"]![0].Str("field"));
        Assert.Equal("FieldManagerConflict", conflict.Body["details"]!["causes"]![0].Str("reason"));

        var forced = await client.PatchAsync(Path + "?fieldManager=alice&force=true", applied, "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.OK, forced.Code);
        Assert.Equal("2", forced.Body.Str("spec.replicas"));

        // Fields alice stops applying are removed.
        var dropped = await client.PatchAsync(Path + "?fieldManager=alice", applied.Replace("  labels: {team: a}\n", "", StringComparison.Ordinal), "application/apply-patch+yaml");
        Assert.Null(dropped.Body.Str("metadata.labels.team"));
    }

    [Fact]
    public async Task Reapplying_the_same_configuration_changes_nothing_whatever_other_managers_did()
    {
        // A controller re-applies its configuration on every reconcile; if the server stored a new version each time, the
        // watch event of its own no-op would reconcile it again, for ever. kube-apiserver stores nothing for a no-op apply.
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
        const string Summary = ConfigMaps + "/summary";
        const string Owned = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"summary","labels":{"app":"op"}},"data":{"count":"3"}}""";
        Assert.Equal(HttpStatusCode.Created, (await client.PatchAsync(Summary + "?fieldManager=operator", Owned, "application/apply-patch+yaml")).Code);
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(Summary + "?fieldManager=someone-else", """{"metadata":{"annotations":{"note":"x"}}}""", "application/merge-patch+json")).Code);
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(Summary + "?fieldManager=third", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"summary"},"data":{"extra":"y"}}""", "application/apply-patch+yaml")).Code);
        string? before = (await client.GetJsonAsync(Summary)).Body.Str("metadata.resourceVersion");

        for (int i = 0; i < 3; i++)
        {
            var again = await client.PatchAsync(Summary + "?fieldManager=operator", Owned, "application/apply-patch+yaml");
            Assert.Equal(HttpStatusCode.OK, again.Code);
            Assert.Equal(before, again.Body.Str("metadata.resourceVersion"));
        }

        var third = await client.PatchAsync(Summary + "?fieldManager=third", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"summary"},"data":{"extra":"y"}}""", "application/apply-patch+yaml");
        Assert.Equal(before, third.Body.Str("metadata.resourceVersion"));
    }

    [Fact]
    public async Task Force_is_only_for_apply()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync(Pods, Pod("p"));
        AssertStatus(await client.PatchAsync(Pods + "/p?force=true", "{}", "application/merge-patch+json"), 422, "Invalid");
    }
}
