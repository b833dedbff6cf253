using System.Net;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// How an operator is tested against the emulator: its CRD installed from YAML, its reconcile loop
/// driven by a watch (here a small one written inline, step by step), finalizers for cleanup, owned
/// objects collected by the garbage collector, and namespace deletion waiting for the operator.
/// </summary>
public sealed class OperatorScenarioTests
{
    private const string Finalizer = "ops.example.com/cleanup";
    private const string Widgets = "/apis/ops.example.com/v1/namespaces/team/widgets";
    private const string ConfigMaps = "/api/v1/namespaces/team/configmaps";

    /// <summary>The operator's reconcile of one widget: finalizer, an owned ConfigMap, a Ready status; or, when it is being deleted, its cleanup.</summary>
    private static async Task ReconcileAsync(HttpClient client, JsonNode widget, List<string> cleanedUp)
    {
        string name = widget.Str("metadata.name")!;
        if (widget.Str("metadata.deletionTimestamp") is not null)
        {
            cleanedUp.Add(name);
            Assert.Equal(HttpStatusCode.OK, (await client.PatchAsync($"{Widgets}/{name}", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json")).Code);
            return;
        }

        await client.PatchAsync($"{Widgets}/{name}", $$$"""{"metadata":{"finalizers":["{{{Finalizer}}}"]}}""", "application/merge-patch+json");
        string owned = $$$"""{"metadata":{"name":"{{{name}}}-config","ownerReferences":[{"apiVersion":"ops.example.com/v1","kind":"Widget","name":"{{{name}}}","uid":"{{{widget.Str("metadata.uid")}}}","controller":true,"blockOwnerDeletion":true}]},"data":{"size":"{{{widget.Str("spec.size")}}}"}}""";
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync(ConfigMaps, owned)).Code);
        string generation = widget.Str("metadata.generation")!;
        await client.PatchAsync($"{Widgets}/{name}/status", "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],\"observedGeneration\":" + generation + "}}", "application/merge-patch+json");
    }

    private static async Task<KubeApiServerEmulator> StartOperatorClusterAsync()
    {
        KubeApiServerEmulator server = await StartAsync();
        await server.ApplyAsync(CustomResourceTests.WidgetCrd + "\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n", Ct);
        return server;
    }

    [Fact]
    public async Task Deleting_the_namespace_waits_for_the_operators_finalizer_then_takes_everything()
    {
        await using KubeApiServerEmulator server = await StartOperatorClusterAsync();
        using HttpClient client = server.CreateHttpClient();
        var cleanedUp = new List<string>();
        await using WatchStream watch = await WatchStream.OpenAsync(client, $"{Widgets}?watch=true&resourceVersion={server.ResourceVersion}");

        await client.PostJsonAsync(Widgets, """{"apiVersion":"ops.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":"small"}}""");
        JsonNode added = await watch.NextOfTypeAsync("ADDED");
        await ReconcileAsync(client, added["object"]!, cleanedUp);
        Assert.Equal("True", (await client.GetJsonAsync(Widgets + "/w")).Body!["status"]!["conditions"]![0].Str("status"));

        var terminating = await client.DeleteJsonAsync("/api/v1/namespaces/team");
        Assert.Equal("Terminating", terminating.Body.Str("status.phase"));

        // The widget waits for the operator; so does the namespace, and it says why.
        JsonNode deleting;
        do
        {
            deleting = (await watch.NextOfTypeAsync("MODIFIED"))["object"]!;
        }
        while (deleting.Str("metadata.deletionTimestamp") is null);

        var ns = await client.GetJsonAsync("/api/v1/namespaces/team");
        Assert.Contains(ns.Body!["status"]!["conditions"]!.AsArray(), c => c.Str("type") == "NamespaceFinalizersRemaining" && c.Str("message") == $"Some finalizers are remaining: {Finalizer} in 1 resource instances");
        AssertStatus(await client.GetJsonAsync(ConfigMaps + "/w-config"), 404, "NotFound");

        await ReconcileAsync(client, deleting, cleanedUp);
        Assert.Equal(["w"], cleanedUp);
        Assert.Equal("DELETED", (await watch.NextOfTypeAsync("DELETED")).Str("type"));
        AssertStatus(await client.GetJsonAsync("/api/v1/namespaces/team"), 404, "NotFound");
    }

    [Fact]
    public async Task Foreground_deletion_of_a_custom_resource_takes_its_owned_objects_first()
    {
        await using KubeApiServerEmulator server = await StartOperatorClusterAsync();
        using HttpClient client = server.CreateHttpClient();
        var cleanedUp = new List<string>();
        var created = await client.PostJsonAsync(Widgets, """{"apiVersion":"ops.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":"large"}}""");
        await ReconcileAsync(client, created.Body!, cleanedUp);
        await using WatchStream configMaps = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={server.ResourceVersion}");
        await using WatchStream widgets = await WatchStream.OpenAsync(client, $"{Widgets}?watch=true&resourceVersion={server.ResourceVersion}");

        var deleting = await client.DeleteJsonAsync(Widgets + "/w?propagationPolicy=Foreground");
        Assert.Equal($"[\"{Finalizer}\",\"foregroundDeletion\"]", deleting.Body!["metadata"]!["finalizers"]!.ToJsonString());

        // The owned ConfigMap goes while the widget waits, held by the operator's finalizer.
        Assert.Equal("w-config", (await configMaps.NextOfTypeAsync("DELETED")).Str("object.metadata.name"));
        JsonNode waiting = (await client.GetJsonAsync(Widgets + "/w")).Body!;
        Assert.Equal($"[\"{Finalizer}\"]", waiting["metadata"]!["finalizers"]!.ToJsonString());

        await ReconcileAsync(client, waiting, cleanedUp);
        Assert.Equal("w", (await widgets.NextOfTypeAsync("DELETED")).Str("object.metadata.name"));
        AssertStatus(await client.GetJsonAsync(Widgets + "/w"), 404, "NotFound");
    }

    [Fact]
    public async Task Orphaning_a_custom_resource_keeps_its_objects_without_the_owner()
    {
        await using KubeApiServerEmulator server = await StartOperatorClusterAsync();
        using HttpClient client = server.CreateHttpClient();
        var created = await client.PostJsonAsync(Widgets, """{"apiVersion":"ops.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":"large"}}""");
        await ReconcileAsync(client, created.Body!, []);
        await client.PatchAsync(Widgets + "/w", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");

        await client.DeleteJsonAsync(Widgets + "/w", """{"propagationPolicy":"Orphan"}""");
        AssertStatus(await client.GetJsonAsync(Widgets + "/w"), 404, "NotFound");
        var orphan = await client.GetJsonAsync(ConfigMaps + "/w-config");
        Assert.Equal(HttpStatusCode.OK, orphan.Code);
        Assert.Null(orphan.Body!["metadata"]!["ownerReferences"]);
    }
}
