using System.Diagnostics;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// The kubectl session of docs/emulator.md ("A kubectl session"), command by command, against the
/// real v1.36 spec with rollouts simulated (as the command-line host runs it): imperative creates,
/// get, describe, label, annotate, scale, rollout status, apply client- and server-side, diff,
/// delete with each cascade, wait --for=delete, auth can-i, namespace deletion.
/// </summary>
public sealed class KubectlSessionTests : IAsyncLifetime
{
    private KubectlWorkspace? _workspace;

    private Kubectl Cli => _workspace!.Cli;

    public async ValueTask InitializeAsync()
    {
        if (Kubectl.Executable is not null && RealSpec is not null)
        {
            _workspace = await KubectlWorkspace.StartAsync(RealSpec, o => o.SimulateRollouts = true);
            await Cli.OkAsync("create", "namespace", "demo");
        }
    }

    public ValueTask DisposeAsync() => _workspace?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static void Require()
    {
        Kubectl.Require();
        RequireRealSpec();
    }

    private Task<string> Demo(params string[] args) => Cli.OkAsync(["-n", "demo", .. args]);

    [Fact]
    public async Task Create_get_describe_label_annotate_scale_and_rollout_status()
    {
        Require();
        Assert.Contains("configmap/settings created", await Demo("create", "configmap", "settings", "--from-literal=mode=fast"), StringComparison.Ordinal);
        Assert.Contains("secret/creds created", await Demo("create", "secret", "generic", "creds", "--from-literal=password=s3cret"), StringComparison.Ordinal);
        Assert.Contains("deployment.apps/web created", await Demo("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"), StringComparison.Ordinal);

        Assert.Contains("deployment \"web\" successfully rolled out", await Demo("rollout", "status", "deployment/web", "--timeout=20s"), StringComparison.Ordinal);
        string get = await Demo("get", "deployments,configmaps,secrets");
        Assert.Matches(@"deployment\.apps/web\s+2/2\s+2\s+2\s+\d+s", get);
        Assert.Matches(@"configmap/settings\s+1\s+\d+s", get);
        Assert.Matches(@"secret/creds\s+Opaque\s+1\s+\d+s", get);

        string describe = await Demo("describe", "deployment", "web");
        Assert.Matches(@"Name:\s+web", describe);
        Assert.Matches(@"Namespace:\s+demo", describe);
        Assert.Matches(@"Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable", describe);
        Assert.Matches(@"StrategyType:\s+RollingUpdate", describe);
        Assert.Matches(@"Image:\s+nginx:1\.27", describe);
        Assert.Matches(@"Available\s+True\s+MinimumReplicasAvailable", describe);

        await Demo("label", "deployment", "web", "tier=frontend");
        await Demo("annotate", "deployment", "web", "owner=team-a");
        Assert.Equal("frontend team-a 1", await Demo("get", "deployment", "web", "-o", "jsonpath={.metadata.labels.tier} {.metadata.annotations.owner} {.metadata.generation}"));

        Assert.Contains("deployment.apps/web scaled", await Demo("scale", "deployment", "web", "--replicas=3"), StringComparison.Ordinal);
        Assert.Contains("successfully rolled out", await Demo("rollout", "status", "deployment/web", "--timeout=20s"), StringComparison.Ordinal);
        Assert.Equal("3 3 2", await Demo("get", "deployment", "web", "-o", "jsonpath={.status.availableReplicas} {.status.updatedReplicas} {.status.observedGeneration}"));
    }

    [Fact]
    public async Task Apply_client_side_diff_and_apply_server_side()
    {
        Require();
        string settings = _workspace!.WriteFile("settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n");
        Assert.Contains("configmap/settings created", await Demo("apply", "-f", settings), StringComparison.Ordinal);
        (int same, string noDiff, _) = await Cli.RunAsync("-n", "demo", "diff", "-f", settings);
        Assert.Equal((0, ""), (same, noDiff));

        string changed = _workspace.WriteFile("settings-changed.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: slow\n");
        (int exit, string diff, string error) = await Cli.RunAsync("-n", "demo", "diff", "-f", changed);
        Assert.True(exit == 1, $"kubectl diff exited {exit}: {error}");
        Assert.Contains("-  mode: fast", diff, StringComparison.Ordinal);
        Assert.Contains("+  mode: slow", diff, StringComparison.Ordinal);
        Assert.Equal("fast", await Demo("get", "configmap", "settings", "-o", "jsonpath={.data.mode}"));

        (exit, _, error) = await Cli.RunAsync("-n", "demo", "apply", "--server-side", "-f", changed);
        Assert.NotEqual(0, exit);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.mode", error, StringComparison.Ordinal);
        Assert.Contains("configmap/settings serverside-applied", await Demo("apply", "--server-side", "--force-conflicts", "-f", changed), StringComparison.Ordinal);
        Assert.Equal("slow", await Demo("get", "configmap", "settings", "-o", "jsonpath={.data.mode}"));
    }

    [Fact]
    public async Task Delete_with_each_cascade_wait_for_delete_auth_can_i_and_namespace_deletion()
    {
        Require();
        foreach (string cascade in new[] { "background", "foreground", "orphan" })
        {
            await Demo("create", "configmap", "parent");
            string uid = await Demo("get", "configmap", "parent", "-o", "jsonpath={.metadata.uid}");
            string child = _workspace!.WriteFile("child.yaml", $"""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: child
                  ownerReferences:
                  - {"{"}apiVersion: v1, kind: ConfigMap, name: parent, uid: {uid}, blockOwnerDeletion: true{"}"}
                """);
            await Demo("apply", "-f", child);
            Assert.Contains("configmap \"parent\" deleted", await Demo("delete", "configmap", "parent", $"--cascade={cascade}"), StringComparison.Ordinal);
            (int exit, string owners, string error) = await Cli.RunAsync("-n", "demo", "get", "configmap", "child", "-o", "jsonpath={.metadata.ownerReferences}");
            if (cascade == "orphan")
            {
                Assert.Equal((0, ""), (exit, owners));
                await Demo("delete", "configmap", "child");
            }
            else
            {
                Assert.Contains("configmaps \"child\" not found", error, StringComparison.Ordinal);
            }
        }

        // wait --for=delete follows an object held by a finalizer until someone removes it.
        await Demo("apply", "-f", _workspace!.WriteFile("held.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\n"));
        await Demo("delete", "configmap", "held", "--wait=false");
        using Process wait = Process.Start(Cli.StartInfo("-n", "demo", "wait", "--for=delete", "configmap/held", "--timeout=60s"))!;
        Task<string> waited = wait.StandardOutput.ReadToEndAsync(Ct);

        // Only once kubectl watches (it has seen the object, so it is not already gone) is the finalizer removed.
        for (int i = 0; i < 600 && _workspace.Server.ActiveWatchCount == 0 && !wait.HasExited; i++)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(_workspace.Server.ActiveWatchCount > 0, "kubectl wait never opened a watch");
        await Demo("patch", "configmap", "held", "--type=merge", "-p", """{"metadata":{"finalizers":null}}""");
        await wait.WaitForExitAsync(Ct);
        Assert.Equal(0, wait.ExitCode);
        Assert.Contains("configmap/held condition met", await waited, StringComparison.Ordinal);

        Assert.Equal("yes", (await Demo("auth", "can-i", "delete", "namespaces")).Trim());
        Assert.Contains("namespace \"demo\" deleted", await Cli.OkAsync("delete", "namespace", "demo"), StringComparison.Ordinal);
        (int gone, _, string notFound) = await Cli.RunAsync("get", "namespace", "demo");
        Assert.NotEqual(0, gone);
        Assert.Contains("namespaces \"demo\" not found", notFound, StringComparison.Ordinal);
    }
}
