using System.Net;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Http;

public sealed class RbacPermissionTests
{
    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods", "list", "", "pods", "default", null)]
    [InlineData("GET", "/api/v1/namespaces/default/pods?limit=500&labelSelector=app%3Dweb", "list", "", "pods", "default", null)]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web-0", "get", "", "pods", "default", "web-0")]
    [InlineData("GET", "/api/v1/namespaces/default/pods?watch=true&resourceVersion=10", "watch", "", "pods", "default", null)]
    [InlineData("GET", "/api/v1/namespaces/default/pods?resourceVersion=10&watch=1", "watch", "", "pods", "default", null)]
    [InlineData("GET", "/api/v1/namespaces/default/pods?watch=false", "list", "", "pods", "default", null)]
    [InlineData("GET", "/api/v1/watch/namespaces/default/pods", "watch", "", "pods", "default", null)]
    [InlineData("GET", "/api/v1/pods", "list", "", "pods", null, null)]
    [InlineData("GET", "/api/v1/nodes/node-a", "get", "", "nodes", null, "node-a")]
    [InlineData("GET", "/api/v1/namespaces/kube-system", "get", "", "namespaces", null, "kube-system")]
    [InlineData("GET", "/api/v1/namespaces", "list", "", "namespaces", null, null)]
    [InlineData("POST", "/apis/coordination.k8s.io/v1/namespaces/ops/leases", "create", "coordination.k8s.io", "leases", "ops", null)]
    [InlineData("PUT", "/apis/coordination.k8s.io/v1/namespaces/ops/leases/op-lock", "update", "coordination.k8s.io", "leases", "ops", "op-lock")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale", "patch", "apps", "deployments/scale", "default", "web")]
    [InlineData("PUT", "/api/v1/namespaces/default/pods/web-0/status", "update", "", "pods/status", "default", "web-0")]
    [InlineData("DELETE", "/api/v1/namespaces/default/configmaps/c%2Fd", "delete", "", "configmaps", "default", "c/d")]
    [InlineData("DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=x", "deletecollection", "", "configmaps", "default", null)]
    [InlineData("GET", "/apis/stable.example.com/v1/crontabs", "list", "stable.example.com", "crontabs", null, null)]
    public void A_request_maps_to_the_permission_the_API_server_authorizes(
        string method, string path, string verb, string group, string resource, string? ns, string? name)
    {
        RbacPermission? permission = RbacPermission.FromRequest(method, path);

        Assert.Equal(new RbacPermission(verb, group, resource, ns, name), permission);
    }

    [Theory]
    [InlineData("GET", "/version")]
    [InlineData("GET", "/api")]
    [InlineData("GET", "/api/v1")]
    [InlineData("GET", "/apis/apps/v1")]
    [InlineData("GET", "/openapi/v2")]
    [InlineData("OPTIONS", "/api/v1/pods")]
    public void Non_resource_requests_need_no_resource_permission(string method, string path)
    {
        Assert.Null(RbacPermission.FromRequest(method, path));
    }

    [Fact]
    public async Task A_403_names_the_missing_permission_in_the_exception_message()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(403, """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"pods is forbidden: User \"system:serviceaccount:shop:lister\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\"",
             "reason":"Forbidden","details":{"kind":"pods"},"code":403}
            """);
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendAsync(HttpMethod.Get, "/api/v1/namespaces/shop/pods?limit=50", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.True(error.IsForbidden);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal(new RbacPermission("list", "", "pods", "shop", null), error.RequiredPermission);
        Assert.Equal(
            "pods is forbidden: User \"system:serviceaccount:shop:lister\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\" (403 Forbidden)."
            + " Missing RBAC permission: verb \"list\" on resource \"pods\" (apiGroup \"\") in namespace \"shop\"; add it to the rules of the caller's Role.",
            error.Message);
    }

    [Fact]
    public async Task Other_errors_keep_the_server_message_and_still_carry_the_permission()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync();
        server.EnqueueJson(404, """{"kind":"Status","status":"Failure","message":"leases.coordination.k8s.io \"op\" not found","reason":"NotFound","code":404}""");
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.BaseUri });
        using CancellationTokenSource timeout = TestSupport.Timeout();

        KubeApiException error = await Assert.ThrowsAsync<KubeApiException>(
            () => connection.SendAsync(HttpMethod.Get, "/apis/coordination.k8s.io/v1/namespaces/ops/leases/op", null, TestJsonContext.Default.TestObject, timeout.Token));

        Assert.Equal("leases.coordination.k8s.io \"op\" not found (404 NotFound)", error.Message);
        Assert.Equal(new RbacPermission("get", "coordination.k8s.io", "leases", "ops", "op"), error.RequiredPermission);
    }

    [Fact]
    public void A_cluster_wide_permission_says_it_needs_a_ClusterRole()
    {
        Assert.Equal(
            "verb \"list\" on resource \"pods\" (apiGroup \"\") cluster-wide (a ClusterRole bound with a ClusterRoleBinding)",
            RbacPermission.FromRequest("GET", "/api/v1/pods")!.ToString());
    }
}
