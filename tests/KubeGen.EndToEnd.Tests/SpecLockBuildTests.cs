using System.Text.Json.Nodes;
using KubeGen.EndToEnd.Tests.Infrastructure;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// The spec lock through MSBuild, as a user's project sees it: a project outside the repository that
/// references the KubeGen package, <c>dotnet build -t:KubeGenUpdateLock</c> writes kubegen.lock, a
/// cluster upgrade (the spec file replaced) makes the next build warn with what changed, and updating
/// the lock again quiets it; a server-version sidecar beside the spec names the version. In the Native AOT collection because it shares that collection's pack.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed class SpecLockBuildTests(LocalPackageFeed feed, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);

    private readonly string _project = Path.Combine(Path.GetTempPath(), "kubegen-e2e-lock-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Update_lock_writes_it_and_an_upgraded_spec_warns_with_its_changes_until_updated_again()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        PackResult package = await feed.GetAsync(ct);
        Assert.True(package.Succeeded, "dotnet pack failed:\n" + package.Pack.CombinedText);
        WriteProject(package);
        WriteSpec("v1.30.2", podSpec => { });

        ProcessResult update = await DotnetAsync(ct, "build", "-t:KubeGenUpdateLock");
        Assert.True(update.ExitCode == 0, update.CombinedText);
        string lockPath = Path.Combine(_project, "kubegen.lock");
        string[] locked = File.ReadAllLines(lockPath);
        output.WriteLine(string.Join('\n', locked.Take(8)));
        Assert.StartsWith("#if KUBEGEN_SPEC_LOCK", locked[0], StringComparison.Ordinal);
        Assert.Equal("client App.Kube.KubeClient", locked[1]);
        Assert.Matches("^spec cluster.json v1.30.2 sha256:[0-9a-f]{64}$", locked[3]);
        Assert.Contains("field CoreV1.PodSpec.priority int32", locked);
        Assert.Contains(locked, l => l.StartsWith("operation CoreV1.Pods.ListAsync GET ", StringComparison.Ordinal));

        // The cluster is upgraded: a field is added to PodSpec and one is gone.
        WriteSpec("v1.31.0", podSpec =>
        {
            podSpec["hostnameOverride"] = new JsonObject { ["type"] = "string", ["description"] = "added in the upgrade" };
            podSpec.Remove("priority");
        });
        // As KubeGenFetchSpec leaves it beside the spec: the server's /version, which names the cluster better.
        File.WriteAllText(Path.Combine(_project, "cluster.version.json"), """{"openapi":"v2","documents":["cluster.json"],"serverVersion":{"major":"1","minor":"31","gitVersion":"v1.31.0+k3s1"}}""");
        ProcessResult upgraded = await DotnetAsync(ct, "build");
        Assert.True(upgraded.ExitCode == 0, upgraded.CombinedText);
        string[] warnings = upgraded.Combined.Where(l => l.Contains("warning KGEN0025", StringComparison.Ordinal)).Distinct().ToArray();
        output.WriteLine(string.Join('\n', warnings));
        Assert.Contains(warnings, w => w.StartsWith(lockPath, StringComparison.Ordinal) && w.Contains("(v1.30.2 → v1.31.0+k3s1): field added: CoreV1.PodSpec.hostnameOverride (string)", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("field removed: CoreV1.PodSpec.priority (int32)", StringComparison.Ordinal));
        Assert.Equal(2, warnings.Select(w => w[(w.IndexOf("warning KGEN0025", StringComparison.Ordinal))..]).Distinct().Count());

        ProcessResult again = await DotnetAsync(ct, "build", "-t:KubeGenUpdateLock");
        Assert.True(again.ExitCode == 0, again.CombinedText);
        Assert.Contains("field CoreV1.PodSpec.hostnameOverride string", File.ReadAllLines(lockPath));
        Assert.Matches("^spec cluster.json v1.31.0\\+k3s1 sha256:", File.ReadAllLines(lockPath)[3]);
        ProcessResult quiet = await DotnetAsync(ct, "build");
        Assert.True(quiet.ExitCode == 0, quiet.CombinedText);
        Assert.DoesNotContain(quiet.Combined, l => l.Contains("KGEN00", StringComparison.Ordinal));
    }

    public void Dispose() => EndToEndRun.DeleteWorkDirectory(_project);

    private void WriteProject(PackResult package)
    {
        Directory.CreateDirectory(_project);
        File.WriteAllText(Path.Combine(_project, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <RestoreAdditionalProjectSources>{package.FeedDirectory}</RestoreAdditionalProjectSources>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="KubeGen" Version="{package.Version}" />
                <KubernetesApi Include="cluster.json" Resources="pods" Namespace="App.Kube" />
              </ItemGroup>
            </Project>
            """);
    }

    /// <summary>The repository's mini cluster as a live API server would serve it (info.version set), with PodSpec edited.</summary>
    private void WriteSpec(string version, Action<JsonObject> editPodSpec)
    {
        string fixture = Path.Combine(NativeAotPublishFixture.FindRepositoryRoot(), "fixtures", "openapi", "mini-cluster.swagger.json");
        JsonNode spec = JsonNode.Parse(File.ReadAllText(fixture))!;
        spec["info"]!["version"] = version;
        editPodSpec(spec["definitions"]!["io.k8s.api.core.v1.PodSpec"]!["properties"]!.AsObject());
        File.WriteAllText(Path.Combine(_project, "cluster.json"), spec.ToJsonString());
    }

    private async Task<ProcessResult> DotnetAsync(CancellationToken ct, params string[] arguments)
    {
        string[] all = [.. arguments, "--disable-build-servers", "-tl:off", "-nologo", "-clp:NoSummary"];
        ProcessResult result = await ProcessRunner.RunAsync(NativeAotPublishFixture.DotnetHost(), all, _project, NativeAotPublishFixture.PublishEnvironment(), BuildTimeout, ct);
        output.WriteLine($"dotnet {string.Join(' ', all)}: exit code {result.ExitCode}, {result.Duration.TotalSeconds:0.0} s");
        return result;
    }
}
