using KubeGen.EndToEnd.Tests.Infrastructure;
using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// <c>dotnet build -t:KubeGenFetchSpec</c> in a project that references the packed KubeGen package, as a user runs it to get
/// a spec before the first build: the target runs the fetcher shipped in the package (no kubectl) against the emulator
/// through its kubeconfig and writes the spec the project's KubernetesApi item names. In the Native AOT collection,
/// because it shares that collection's pack.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed class FetchSpecTargetTests(LocalPackageFeed feed, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "kubegen-fetch-target-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose() => EndToEndRun.DeleteWorkDirectory(_work);

    [Fact]
    public async Task The_package_target_fetches_the_spec_with_the_server_version_beside_it()
    {
        PackResult package = await feed.GetAsync(TestContext.Current.CancellationToken);
        Assert.True(package.Succeeded, "dotnet pack failed:\n" + package.Pack.CombinedText);
        string root = NativeAotPublishFixture.FindRepositoryRoot();
        string spec = Path.Combine(root, "fixtures", "openapi", "mini-cluster.swagger.json");
        string project = Path.Combine(_work, "app");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <RestoreAdditionalProjectSources>{package.FeedDirectory}</RestoreAdditionalProjectSources>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="KubeGen" Version="{package.Version}" />
                <!-- Does not exist yet: fetching it must not need a build. -->
                <KubernetesApi Include="openapi/cluster.json" Resources="pods" Namespace="App.Kube" />
              </ItemGroup>
            </Project>
            """, TestContext.Current.CancellationToken);

        var options = new KubeApiServerEmulatorOptions { KubeconfigPath = Path.Combine(_work, "kubeconfig"), ServerVersion = "v1.34.2" };
        options.SpecFiles.Add(spec);
        await using KubeApiServerEmulator server = await KubeApiServerEmulator.StartAsync(options, TestContext.Current.CancellationToken);

        ProcessResult fetch = await ProcessRunner.RunAsync(
            NativeAotPublishFixture.DotnetHost(),
            ["build", "-t:KubeGenFetchSpec", "-p:KubeGenFetchKubeconfig=" + server.KubeconfigPath, "--disable-build-servers", "-tl:off", "-nologo"],
            project,
            NativeAotPublishFixture.PublishEnvironment(),
            Timeout,
            TestContext.Current.CancellationToken);
        output.WriteLine(fetch.CombinedText);

        Assert.False(fetch.TimedOut, "dotnet build -t:KubeGenFetchSpec timed out");
        Assert.True(fetch.ExitCode == 0, fetch.CombinedText);
        Assert.Equal(await File.ReadAllBytesAsync(spec, TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(Path.Combine(project, "openapi", "cluster.json"), TestContext.Current.CancellationToken));
        Assert.Contains("\"gitVersion\": \"v1.34.2\"", await File.ReadAllTextAsync(Path.Combine(project, "openapi", "cluster.version.json"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains(fetch.StandardOutput, line => line.Contains("cluster.json: new, ", StringComparison.Ordinal));
    }
}
