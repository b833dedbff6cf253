using System.Net;
using ClientTests.Kube;
using ClientTests.Kube.CoordinationV1;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.MetaV1;
using KubeGen.Runtime;
using KubeGen.Testing;
using static KubeGen.Client.Tests.Emulator.EmulatorHarness;

namespace KubeGen.Client.Tests.Emulator;

/// <summary>The emulator's Status errors as the generated clients surface them (<see cref="KubeApiException"/>).</summary>
public sealed class EmulatorErrorTests
{
    [Fact]
    public async Task CreatingTwiceIsAlreadyExists()
    {
        await using EmulatorHarness api = await StartAsync();
        await api.Kube.CoreV1.Pods.CreateAsync(Ns, Pod("web-1"), cancellationToken: api.Cancel);

        var error = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Pods.CreateAsync(Ns, Pod("web-1"), cancellationToken: api.Cancel));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.True(error.IsAlreadyExists);
        Assert.False(error.IsConflict);
        Assert.Equal(("AlreadyExists", 409, "pods \"web-1\" already exists"), (error.Status.Reason, error.Status.Code, error.Status.Message));
        Assert.Equal(("web-1", "pods"), (error.Status.Details!.Name, error.Status.Details.Kind));
    }

    [Fact]
    public async Task ReplacingAStaleVersionIsConflict()
    {
        await using EmulatorHarness api = await StartAsync();
        var leases = api.Kube.CoordinationV1.Leases;
        Lease created = await leases.CreateAsync(Ns, new Lease { Metadata = new ObjectMeta { Name = "leader" }, Spec = new LeaseSpec { HolderIdentity = "a" } }, cancellationToken: api.Cancel);

        Lease first = await leases.GetAsync(Ns, "leader", cancellationToken: api.Cancel);
        Lease second = await leases.GetAsync(Ns, "leader", cancellationToken: api.Cancel);
        first.Spec!.HolderIdentity = "b";
        await leases.ReplaceAsync(Ns, "leader", first, cancellationToken: api.Cancel);
        second.Spec!.HolderIdentity = "c";
        var error = await Assert.ThrowsAsync<KubeApiException>(() => leases.ReplaceAsync(Ns, "leader", second, cancellationToken: api.Cancel));

        Assert.True(error.IsConflict);
        Assert.False(error.IsAlreadyExists);
        Assert.Equal(("Conflict", 409), (error.Status.Reason, error.Status.Code));
        Assert.Equal("Operation cannot be fulfilled on leases.coordination.k8s.io \"leader\": the object has been modified; please apply your changes to the latest version and try again", error.Status.Message);
        Assert.Equal("b", (await leases.GetAsync(Ns, "leader", cancellationToken: api.Cancel)).Spec!.HolderIdentity);

        // A merge patch carrying a stale resourceVersion conflicts too.
        var patchError = await Assert.ThrowsAsync<KubeApiException>(() => leases.PatchAsync(Ns, "leader", KubePatch.Merge($$$"""{"metadata":{"resourceVersion":"{{{created.Metadata!.ResourceVersion}}}"},"spec":{"holderIdentity":"d"}}"""), cancellationToken: api.Cancel));
        Assert.True(patchError.IsConflict);
    }

    [Fact]
    public async Task MissingObjectsAreNotFound()
    {
        await using EmulatorHarness api = await StartAsync();

        var error = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.Pods.GetAsync(Ns, "x", cancellationToken: api.Cancel));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.True(error.IsNotFound);
        Assert.Equal(("NotFound", 404, "pods \"x\" not found"), (error.Status.Reason, error.Status.Code, error.Status.Message));
        Assert.Equal(("x", "pods"), (error.Status.Details!.Name, error.Status.Details.Kind));
        Assert.Equal("deployments.apps \"x\" not found", (await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.AppsV1.Deployments.DeleteAsync(Ns, "x", cancellationToken: api.Cancel))).Status.Message);
        Assert.Equal("crontabs.stable.example.com \"x\" not found", (await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.StableV1.CronTabs.ReplaceAsync(Ns, "x", new ClientTests.Kube.StableV1.CronTab { Metadata = new ObjectMeta { Name = "x" }, Spec = new() { CronSpec = "* * * * *", Image = "i" } }, cancellationToken: api.Cancel))).Status.Message);
    }

    [Fact]
    public async Task VerbsTheRulesLackAreForbidden()
    {
        await using EmulatorHarness api = await StartAsync();
        const string Token = "viewer-token";
        api.Server.AddToken(Token, EmulatorUser.ServiceAccount(Ns, "viewer", AccessRule.For("get,watch", "pods", inNamespace: Ns), AccessRule.For("list", "configmaps")));
        KubeClient viewer = api.Connect(Token);
        await api.Kube.CoreV1.Pods.CreateAsync(Ns, Pod("web-1"), cancellationToken: api.Cancel);

        Assert.Equal("web-1", (await viewer.CoreV1.Pods.GetAsync(Ns, "web-1", cancellationToken: api.Cancel)).Metadata!.Name);
        Assert.Empty((await viewer.CoreV1.ConfigMaps.ListForAllNamespacesAsync(cancellationToken: api.Cancel)).Items);

        var list = await Assert.ThrowsAsync<KubeApiException>(() => viewer.CoreV1.Pods.ListAsync(Ns, cancellationToken: api.Cancel));
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.True(list.IsForbidden);
        Assert.Equal(("Forbidden", 403), (list.Status.Reason, list.Status.Code));
        Assert.Equal("pods is forbidden: User \"system:serviceaccount:shop:viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\"", list.Status.Message);
        Assert.Equal(new RbacPermission("list", "", "pods", Ns, null), list.RequiredPermission);
        Assert.EndsWith("Missing RBAC permission: verb \"list\" on resource \"pods\" (apiGroup \"\") in namespace \"shop\"; add it to the rules of the caller's Role.", list.Message, StringComparison.Ordinal);

        var delete = await Assert.ThrowsAsync<KubeApiException>(() => viewer.CoreV1.Pods.DeleteAsync(Ns, "web-1", cancellationToken: api.Cancel));
        Assert.True(delete.IsForbidden);
        Assert.Equal("pods \"web-1\" is forbidden: User \"system:serviceaccount:shop:viewer\" cannot delete resource \"pods\" in API group \"\" in the namespace \"shop\"", delete.Status.Message);

        var otherNamespace = await Assert.ThrowsAsync<KubeApiException>(() => viewer.CoreV1.Pods.GetAsync("default", "web-1", cancellationToken: api.Cancel));
        Assert.True(otherNamespace.IsForbidden);

        var status = await Assert.ThrowsAsync<KubeApiException>(() => viewer.CoreV1.Pods.GetStatusAsync(Ns, "web-1", cancellationToken: api.Cancel));
        Assert.Equal("pods \"web-1\" is forbidden: User \"system:serviceaccount:shop:viewer\" cannot get resource \"pods/status\" in API group \"\" in the namespace \"shop\"", status.Status.Message);

        var deployments = await Assert.ThrowsAsync<KubeApiException>(() => viewer.AppsV1.Deployments.ListForAllNamespacesAsync(cancellationToken: api.Cancel));
        Assert.Equal("deployments.apps is forbidden: User \"system:serviceaccount:shop:viewer\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope", deployments.Status.Message);
        Assert.Equal(new RbacPermission("list", "apps", "deployments", null, null), deployments.RequiredPermission);

        // A watch the rules do not allow fails when it starts.
        var watch = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var unused in viewer.CoreV1.ConfigMaps.WatchAsync(Ns, cancellationToken: api.Cancel))
            {
            }
        });
        Assert.True(watch.IsForbidden);
        Assert.Equal("configmaps is forbidden: User \"system:serviceaccount:shop:viewer\" cannot watch resource \"configmaps\" in API group \"\" in the namespace \"shop\"", watch.Status.Message);
        Assert.Equal(new RbacPermission("watch", "", "configmaps", Ns, null), watch.RequiredPermission);
    }

    [Fact]
    public async Task UnknownAndExpiredTokensAreUnauthorized()
    {
        await using EmulatorHarness api = await StartAsync();
        KubeClient stranger = api.Connect("not-a-token");
        var unknown = await Assert.ThrowsAsync<KubeApiException>(() => stranger.CoreV1.Pods.ListAsync(Ns, cancellationToken: api.Cancel));
        Assert.True(unknown.IsUnauthorized);

        api.Server.AddToken("short-lived", EmulatorUser.Admin());
        KubeClient admin = api.Connect("short-lived");
        Assert.Empty((await admin.CoreV1.Pods.ListAsync(Ns, cancellationToken: api.Cancel)).Items);
        api.Server.ExpireToken("short-lived");
        Assert.True((await Assert.ThrowsAsync<KubeApiException>(() => admin.CoreV1.Pods.ListAsync(Ns, cancellationToken: api.Cancel))).IsUnauthorized);
    }

    [Fact]
    public async Task InvalidObjectsAreUnprocessable()
    {
        await using EmulatorHarness api = await StartAsync();

        var error = await Assert.ThrowsAsync<KubeApiException>(() => api.Kube.CoreV1.ConfigMaps.CreateAsync(Ns, ConfigMap("Not_A_Name"), cancellationToken: api.Cancel));

        Assert.True(error.IsInvalid);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.StatusCode);
        Assert.Contains(error.Status.Details!.Causes, c => c.Field == "metadata.name");
    }
}
