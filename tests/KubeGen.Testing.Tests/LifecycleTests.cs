using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// Deletion as kube-apiserver and kube-controller-manager do it: finalizers, the garbage collector's
/// three propagation policies, namespace termination, graceful pod deletion. The controllers' work is
/// done before the write that starts it answers, so every check here runs right after the call.
/// </summary>
public sealed class LifecycleTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private static string Dependent(string name, string ownerUid, bool block = false, string finalizers = "[]")
        => $$$"""{"metadata":{"name":"{{{name}}}","finalizers":{{{finalizers}}},"ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"owner","uid":"{{{ownerUid}}}","blockOwnerDeletion":{{{(block ? "true" : "false")}}}}]}}""";

    [Fact]
    public async Task Finalizers_hold_a_deleted_object_which_may_lose_but_not_gain_finalizers()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string body = Deployment("web").Replace("\"metadata\":{\"name\":\"web\"}", "\"metadata\":{\"name\":\"web\",\"finalizers\":[\"example.com/a\",\"example.com/b\"]}", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync(Deployments, body)).Code);

        var deleting = await client.DeleteJsonAsync(Deployments + "/web");
        Assert.Equal(HttpStatusCode.OK, deleting.Code);
        Assert.Equal("Deployment", deleting.Body.Str("kind"));
        Assert.NotNull(deleting.Body.Str("metadata.deletionTimestamp"));
        Assert.Equal("0", deleting.Body.Str("metadata.deletionGracePeriodSeconds"));
        Assert.Equal("2", deleting.Body.Str("metadata.generation"));

        var added = await client.PatchAsync(Deployments + "/web", """{"metadata":{"finalizers":["example.com/a","example.com/b","example.com/c"]}}""", "application/merge-patch+json");
        AssertStatus(added, 422, "Invalid", "Deployment.apps \"web\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"example.com/c\"}");

        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(Deployments + "/web", """{"metadata":{"finalizers":["example.com/b"]}}""", "application/merge-patch+json")).Code);
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync(Deployments + "/web")).Code);
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync(Deployments + "/web", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json")).Code);
        AssertStatus(await client.GetJsonAsync(Deployments + "/web"), 404, "NotFound");
    }

    [Fact]
    public async Task Background_deletes_dependents_whose_owners_are_all_gone_and_unlinks_the_others()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string owner = (await client.PostJsonAsync(Deployments, Deployment("owner"))).Body.Str("metadata.uid")!;
        string other = (await client.PostJsonAsync(Deployments, Deployment("other"))).Body.Str("metadata.uid")!;
        await client.PostJsonAsync(ConfigMaps, Dependent("only", owner));
        string both = Dependent("both", owner).Replace("}]}}", $$$"""},{"apiVersion":"apps/v1","kind":"Deployment","name":"other","uid":"{{{other}}}"}]}}""", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync(ConfigMaps, both)).Code);

        await client.DeleteJsonAsync(Deployments + "/owner", """{"propagationPolicy":"Background"}""");
        AssertStatus(await client.GetJsonAsync(ConfigMaps + "/only"), 404, "NotFound");
        var kept = await client.GetJsonAsync(ConfigMaps + "/both");
        Assert.Equal(HttpStatusCode.OK, kept.Code);
        Assert.Equal([other], kept.Body!["metadata"]!["ownerReferences"]!.AsArray().Select(r => r.Str("uid")));
    }

    [Fact]
    public async Task A_dependent_whose_owner_never_existed_is_collected()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync(ConfigMaps, Dependent("dangling", Guid.NewGuid().ToString()))).Code);
        AssertStatus(await client.GetJsonAsync(ConfigMaps + "/dangling"), 404, "NotFound");
    }

    [Fact]
    public async Task Foreground_keeps_the_owner_with_foregroundDeletion_until_blocking_dependents_are_gone()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string owner = (await client.PostJsonAsync(Deployments, Deployment("owner"))).Body.Str("metadata.uid")!;
        await client.PostJsonAsync(ConfigMaps, Dependent("blocker", owner, block: true, finalizers: """["example.com/hold"]"""));
        await client.PostJsonAsync(ConfigMaps, Dependent("loose", owner));
        long from = server.ResourceVersion;
        await using WatchStream deployments = await WatchStream.OpenAsync(client, $"{Deployments}?watch=true&resourceVersion={from}");

        var deleting = await client.DeleteJsonAsync(Deployments + "/owner?propagationPolicy=Foreground");
        Assert.Equal(HttpStatusCode.OK, deleting.Code);
        Assert.Equal("[\"foregroundDeletion\"]", deleting.Body!["metadata"]!["finalizers"]!.ToJsonString());

        // The dependents are deleted; the blocking one waits for its own finalizer, and the owner for it.
        AssertStatus(await client.GetJsonAsync(ConfigMaps + "/loose"), 404, "NotFound");
        var blocker = await client.GetJsonAsync(ConfigMaps + "/blocker");
        Assert.NotNull(blocker.Body.Str("metadata.deletionTimestamp"));
        var waiting = await client.GetJsonAsync(Deployments + "/owner");
        Assert.Equal(HttpStatusCode.OK, waiting.Code);
        Assert.NotNull(waiting.Body.Str("metadata.deletionTimestamp"));
        Assert.Equal("[\"foregroundDeletion\"]", waiting.Body!["metadata"]!["finalizers"]!.ToJsonString());

        await client.PatchAsync(ConfigMaps + "/blocker", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        AssertStatus(await client.GetJsonAsync(ConfigMaps + "/blocker"), 404, "NotFound");
        AssertStatus(await client.GetJsonAsync(Deployments + "/owner"), 404, "NotFound");

        JsonNode marked = await deployments.NextAsync() ?? throw new InvalidOperationException("watch ended");
        Assert.Equal(("MODIFIED", "[\"foregroundDeletion\"]"), (marked.Str("type"), marked["object"]!["metadata"]!["finalizers"]!.ToJsonString()));
        Assert.Equal("DELETED", (await deployments.NextAsync()).Str("type"));
    }

    [Fact]
    public async Task Orphan_unlinks_the_dependents_and_then_lets_the_owner_go()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string owner = (await client.PostJsonAsync(Deployments, Deployment("owner"))).Body.Str("metadata.uid")!;
        await client.PostJsonAsync(ConfigMaps, Dependent("child", owner, block: true));

        var deleting = await client.DeleteJsonAsync(Deployments + "/owner", """{"propagationPolicy":"Orphan"}""");
        Assert.Equal("[\"orphan\"]", deleting.Body!["metadata"]!["finalizers"]!.ToJsonString());
        AssertStatus(await client.GetJsonAsync(Deployments + "/owner"), 404, "NotFound");
        var child = await client.GetJsonAsync(ConfigMaps + "/child");
        Assert.Equal(HttpStatusCode.OK, child.Code);
        Assert.Null(child.Body!["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Namespace_deletion_goes_Terminating_deletes_contents_then_disappears()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        await client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"team"}}""");
        await client.PostJsonAsync("/api/v1/namespaces/team/configmaps", ConfigMap("plain"));
        await client.PostJsonAsync("/api/v1/namespaces/team/configmaps", """{"metadata":{"name":"held","finalizers":["example.com/hold"]}}""");

        var deleting = await client.DeleteJsonAsync("/api/v1/namespaces/team");
        Assert.Equal(HttpStatusCode.OK, deleting.Code);
        Assert.Equal(("Namespace", "Terminating", "[\"kubernetes\"]"), (deleting.Body.Str("kind"), deleting.Body.Str("status.phase"), deleting.Body!["spec"]!["finalizers"]!.ToJsonString()));
        Assert.NotNull(deleting.Body.Str("metadata.deletionTimestamp"));

        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/team/configmaps/plain"), 404, "NotFound");
        var ns = await client.GetJsonAsync("/api/v1/namespaces/team");
        Assert.Equal("Terminating", ns.Body.Str("status.phase"));
        JsonArray conditions = ns.Body!["status"]!["conditions"]!.AsArray();
        Assert.Equal(
            ["NamespaceDeletionDiscoveryFailure False", "NamespaceDeletionGroupVersionParsingFailure False", "NamespaceDeletionContentFailure False", "NamespaceContentRemaining True", "NamespaceFinalizersRemaining True"],
            conditions.Select(c => $"{c.Str("type")} {c.Str("status")}"));
        Assert.Equal("Some resources are remaining: configmaps. has 1 resource instances", conditions[3].Str("message"));
        Assert.Equal("Some finalizers are remaining: example.com/hold in 1 resource instances", conditions[4].Str("message"));

        AssertStatus(await client.PostJsonAsync("/api/v1/namespaces/team/configmaps", ConfigMap("late")), 403, "Forbidden",
            "configmaps \"late\" is forbidden: unable to create new content in namespace team because it is being terminated");
        AssertStatus(await client.DeleteJsonAsync("/api/v1/namespaces/team"), 409, "Conflict",
            "Operation cannot be fulfilled on namespaces \"team\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.");

        // Updates in a terminating namespace are allowed: the finalizer goes, then the namespace.
        await client.PatchAsync("/api/v1/namespaces/team/configmaps/held", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/team"), 404, "NotFound");
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/namespaces", """{"metadata":{"name":"team"}}""")).Code);
    }

    [Fact]
    public async Task The_system_namespaces_may_not_be_deleted()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        AssertStatus(await client.DeleteJsonAsync("/api/v1/namespaces/kube-system"), 403, "Forbidden", "namespaces \"kube-system\" is forbidden: this namespace may not be deleted");
    }

    [Fact]
    public async Task A_pod_on_a_node_is_deleted_gracefully_and_its_watchers_see_it_terminate()
    {
        await using KubeApiServerEmulator server = await StartAsync();
        using HttpClient client = server.CreateHttpClient();
        string pod = Pod("web").Replace("\"spec\":{", "\"spec\":{\"nodeName\":\"node-a\",\"terminationGracePeriodSeconds\":20,", StringComparison.Ordinal);
        await client.PostJsonAsync("/api/v1/namespaces/default/pods", pod);
        await using WatchStream watch = await WatchStream.OpenAsync(client, $"/api/v1/namespaces/default/pods?watch=true&resourceVersion={server.ResourceVersion}");

        var deleted = await client.DeleteJsonAsync("/api/v1/namespaces/default/pods/web");
        Assert.Equal(HttpStatusCode.OK, deleted.Code);
        Assert.Equal("20", deleted.Body.Str("metadata.deletionGracePeriodSeconds"));
        Assert.NotNull(deleted.Body.Str("metadata.deletionTimestamp"));
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/default/pods/web"), 404, "NotFound");

        JsonNode terminating = await watch.NextAsync() ?? throw new InvalidOperationException("watch ended");
        Assert.Equal(("MODIFIED", "20"), (terminating.Str("type"), terminating.Str("object.metadata.deletionGracePeriodSeconds")));
        Assert.Equal("DELETED", (await watch.NextAsync()).Str("type"));
    }

    [Fact]
    public async Task Rollouts_complete_only_when_simulated()
    {
        await using KubeApiServerEmulator plain = await StartAsync();
        using HttpClient plainClient = plain.CreateHttpClient();
        await plainClient.PostJsonAsync(Deployments, Deployment("web", replicas: 2));
        Assert.Null((await plainClient.GetJsonAsync(Deployments + "/web")).Body!["status"]);

        await using KubeApiServerEmulator server = await StartAsync(o => o.SimulateRollouts = true);
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync(Deployments, Deployment("web", replicas: 2));
        Assert.Null(created.Body!["status"]);
        JsonNode status = (await client.GetJsonAsync(Deployments + "/web")).Body!["status"]!;
        Assert.Equal(("1", "2", "2", "2", "2"), (status.Str("observedGeneration"), status.Str("replicas"), status.Str("updatedReplicas"), status.Str("readyReplicas"), status.Str("availableReplicas")));
        Assert.Equal(["Available True MinimumReplicasAvailable", "Progressing True NewReplicaSetAvailable"], status["conditions"]!.AsArray().Select(c => $"{c.Str("type")} {c.Str("status")} {c.Str("reason")}"));

        await client.PatchAsync(Deployments + "/web/scale", """{"spec":{"replicas":0}}""", "application/merge-patch+json");
        status = (await client.GetJsonAsync(Deployments + "/web")).Body!["status"]!;
        Assert.Equal(("2", null), (status.Str("observedGeneration"), status.Str("replicas")));

        // A status a client writes stands until the spec changes again.
        await client.PatchAsync(Deployments + "/web/status", """{"status":{"readyReplicas":7}}""", "application/merge-patch+json");
        Assert.Equal("7", (await client.GetJsonAsync(Deployments + "/web")).Body.Str("status.readyReplicas"));
    }
}
