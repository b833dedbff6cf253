using System.Text.Json.Nodes;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.StableV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Client.Tests.Json;

namespace KubeGen.Client.Tests.Wire;

/// <summary>
/// GET, change one field, PUT: what the server sent and the client does not know must go back unchanged,
/// or the update would erase fields of a newer server.
/// </summary>
public sealed class ReadModifyWriteTests
{
    [Fact]
    public async Task ReplacingAPodKeepsFieldsUnknownToTheSpec()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(Samples.Pod);
        api.Reply(Samples.Pod);

        Pod pod = await api.Kube.CoreV1.Pods.GetAsync("shop", "web-7d4b9c8f6d-x2x9k", cancellationToken: api.Cancel);
        pod.Metadata!.Labels!["app"] = "web-v2";
        pod.Metadata.Annotations!.Remove("prometheus.io/scrape");
        await api.Kube.CoreV1.Pods.ReplaceAsync("shop", pod.Metadata.Name!, pod, cancellationToken: api.Cancel);

        var put = api.Requests[1];
        Assert.Equal(("PUT", "/api/v1/namespaces/shop/pods/web-7d4b9c8f6d-x2x9k"), (put.Method, put.PathAndQuery));
        JsonNode expected = JsonAssert.WithoutNulls(Samples.Pod)!;
        expected["metadata"]!["labels"]!["app"] = "web-v2";
        expected["metadata"]!["annotations"]!.AsObject().Remove("prometheus.io/scrape");
        JsonAssert.Equivalent(expected, put.BodyText);

        JsonObject sent = JsonAssert.Object(put.BodyText);
        Assert.Equal("""{"enabled":true,"weights":[1,2.5,-3],"nested":{"deep":{"deeper":["x",null,{"y":"z"}]}}}""", sent["futureTopLevel"]!.ToJsonString());
        Assert.Equal("PreemptLowerPriority", sent["spec"]!["preemptionPolicy"]!.GetValue<string>());
        Assert.Equal("NotRequired", sent["spec"]!["containers"]![0]!["resizePolicy"]![0]!["restartPolicy"]!.GetValue<string>());
        Assert.Equal(10001, sent["status"]!["containerStatuses"]![0]!["user"]!["linux"]!["uid"]!.GetValue<int>());
        Assert.Equal("48213", sent["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReplacingACustomResourceKeepsFreeFormAndUnknownFields()
    {
        await using var api = await KubeTestServer.StartAsync();
        api.Reply(Samples.CronTab);
        api.Reply(Samples.CronTab);

        CronTab cronTab = await api.Kube.StableV1.CronTabs.GetAsync("batch", "nightly", cancellationToken: api.Cancel);
        cronTab.Spec!.Replicas = 5;
        cronTab.Spec.Suspend = true;
        await api.Kube.StableV1.CronTabs.ReplaceAsync("batch", "nightly", cronTab, cancellationToken: api.Cancel);

        JsonNode expected = JsonNode.Parse(Samples.CronTab)!;
        expected["spec"]!["replicas"] = 5;
        expected["spec"]!["suspend"] = true;
        var put = api.Requests[1];
        Assert.Equal(("PUT", "/apis/stable.example.com/v1/namespaces/batch/crontabs/nightly"), (put.Method, put.PathAndQuery));
        JsonAssert.Equivalent(expected, put.BodyText);
    }
}
