using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>
/// kubectl 1.32 installs a CRD from its YAML (on the trimmed fixture spec, which has no
/// apiextensions group of its own, and on the real v1.36 spec) and uses the new resource: apply,
/// get with the printer columns, explain, scale, delete.
/// </summary>
public sealed class KubectlCustomResourceTests
{
    private const string WidgetYaml = """
        apiVersion: ops.example.com/v1
        kind: Widget
        metadata:
          name: w
        spec:
          size: large
          owner: ops
          extra: dropped
        """;

    private static void Matches(string pattern, string text) => Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, pattern), text);

    public static TheoryData<string> Specs() => new() { "fixture", "real" };

    [Theory]
    [MemberData(nameof(Specs))]
    public async Task Kubectl_applies_a_CRD_from_YAML_and_uses_the_new_resource(string spec)
    {
        Kubectl.Require();
        if (spec == "real")
        {
            RequireRealSpec();
        }

        await using KubectlWorkspace workspace = await KubectlWorkspace.StartAsync(spec == "real" ? RealSpec! : FixtureSpec);
        Kubectl cli = workspace.Cli;
        string crd = workspace.WriteFile("crd.yaml", CustomResourceTests.WidgetCrd);
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/widgets.ops.example.com created", await cli.OkAsync("apply", "-f", crd), StringComparison.Ordinal);
        Assert.Matches(@"widgets\.ops\.example\.com\s+\d{4}-\d{2}-\d{2}T", await cli.OkAsync("get", "crd"));

        // kubectl asks for strict field validation: the unknown field fails, as on a real cluster.
        string widget = workspace.WriteFile("widget.yaml", WidgetYaml);
        (int exit, _, string error) = await cli.RunAsync("apply", "-f", widget);
        Assert.NotEqual(0, exit);
        Assert.Contains("strict decoding error: unknown field \"spec.extra\"", error, StringComparison.Ordinal);
        Assert.Contains("widget.ops.example.com/w created", await cli.OkAsync("apply", "--validate=false", "-f", widget), StringComparison.Ordinal);

        // The Ready column's path finds nothing yet: the server sends a null cell, which kubectl prints empty.
        Matches(@"^NAME\s+SIZE\s+REPLICAS\s+READY\s+AGE\nw\s+large\s+1\s+\d+s\n$", await cli.OkAsync("get", "widgets"));
        Matches(@"^NAME\s+SIZE\s+REPLICAS\s+READY\s+AGE\s+OWNER\nw\s+large\s+1\s+\d+s\s+ops\n$", await cli.OkAsync("get", "wd", "-o", "wide"));
        Assert.Contains("w", await cli.OkAsync("get", "gadgets"), StringComparison.Ordinal);
        Assert.Contains("FIELD: size <string>", await cli.OkAsync("explain", "widget.spec.size"), StringComparison.Ordinal);

        Assert.Contains("widget.ops.example.com/w scaled", await cli.OkAsync("scale", "widget", "w", "--replicas=3"), StringComparison.Ordinal);
        Assert.Equal("3 fast", await cli.OkAsync("get", "widget", "w", "-o", "jsonpath={.spec.replicas} {.spec.mode}"));

        Assert.Contains("deleted", await cli.OkAsync("delete", "-f", crd), StringComparison.Ordinal);
        (exit, _, error) = await cli.RunAsync("get", "widgets");
        Assert.NotEqual(0, exit);
        // kubectl still has the resource in its discovery cache, so it asks for it, as it would a real cluster.
        Assert.Contains("Unable to list \"ops.example.com/v1, Resource=widgets\": the server could not find the requested resource", error, StringComparison.Ordinal);
    }
}
