using System.IO.Compression;
using System.Xml.Linq;
using KubeGen.EndToEnd.Tests.Infrastructure;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// The layout of the KubeGen package (the one the package-built samples use): the generator and the
/// assemblies it loads under analyzers/, the runtime as the only compile reference, the MSBuild
/// item, the spec fetcher under tools/, and System.Threading.RateLimiting and YamlDotNet (kubeconfig files) as the only dependencies. In the Native AOT collection,
/// because it shares that collection's pack.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed class KubeGenPackageTests(LocalPackageFeed feed, ITestOutputHelper output)
{
    /// <summary>The generator and the netstandard2.0 closure of System.Text.Json 8.0.5 (the compiler provides Roslyn and its own dependencies).</summary>
    private static readonly string[] AnalyzerAssemblies =
    [
        "KubeGen.Generator.dll",
        "Microsoft.Bcl.AsyncInterfaces.dll",
        "System.Buffers.dll",
        "System.Memory.dll",
        "System.Numerics.Vectors.dll",
        "System.Runtime.CompilerServices.Unsafe.dll",
        "System.Text.Encodings.Web.dll",
        "System.Text.Json.dll",
        "System.Threading.Tasks.Extensions.dll",
    ];

    /// <summary>The spec fetcher of the KubeGenFetchSpec target, framework-dependent, with the runtime and its dependencies.</summary>
    private static readonly string[] FetchSpecTool =
    [
        "KubeGen.FetchSpec.deps.json",
        "KubeGen.FetchSpec.dll",
        "KubeGen.FetchSpec.runtimeconfig.json",
        "KubeGen.Runtime.dll",
        "System.Threading.RateLimiting.dll",
        "YamlDotNet.dll",
    ];

    [Fact]
    public async Task Package_holds_the_generator_as_an_analyzer_and_the_runtime_as_the_library()
    {
        PackResult package = await feed.GetAsync(TestContext.Current.CancellationToken);
        output.WriteLine($"{package.CommandLine}: exit code {package.Pack.ExitCode}, {package.Pack.Duration.TotalSeconds:0.0} s");
        Assert.True(package.Succeeded, "dotnet pack failed:\n" + package.Pack.CombinedText);
        Assert.Empty(package.Warnings);

        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        string[] entries = zip.Entries.Select(e => e.FullName).Where(IsContent).Order(StringComparer.Ordinal).ToArray();
        output.WriteLine(string.Join('\n', entries));

        string[] expected =
        [
            "README.md",
            .. AnalyzerAssemblies.Select(name => "analyzers/dotnet/cs/" + name),
            "build/KubeGen.props",
            "build/KubeGen.targets",
            "buildTransitive/KubeGen.props",
            "buildTransitive/KubeGen.targets",
            "lib/net10.0/KubeGen.Runtime.dll",
            "lib/net10.0/KubeGen.Runtime.xml",
            "lib/net8.0/KubeGen.Runtime.dll",
            "lib/net8.0/KubeGen.Runtime.xml",
            .. FetchSpecTool.Select(name => "tools/fetch-spec/" + name),
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), entries);
    }

    [Fact]
    public async Task The_packed_generator_is_precompiled_ReadyToRun_and_keeps_its_IL()
    {
        PackResult package = await feed.GetAsync(TestContext.Current.CancellationToken);
        Assert.True(package.Succeeded, "dotnet pack failed:\n" + package.Pack.CombinedText);

        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        using var image = new MemoryStream();
        using (Stream entry = zip.GetEntry("analyzers/dotnet/cs/KubeGen.Generator.dll")!.Open())
        {
            await entry.CopyToAsync(image, TestContext.Current.CancellationToken);
        }

        image.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(image);
        Assert.True(pe.HasMetadata, "The packed generator has no metadata (IL) left.");
        Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "The packed generator has no ReadyToRun header: the pack (on linux-x64) did not run crossgen2.");
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        Assert.Equal("KubeGen.Generator", reader.GetString(reader.GetAssemblyDefinition().Name));
    }

    [Fact]
    public async Task Nuspec_depends_only_on_the_runtime_dependency_for_both_frameworks()
    {
        PackResult package = await feed.GetAsync(TestContext.Current.CancellationToken);
        Assert.True(package.Succeeded, "dotnet pack failed:\n" + package.Pack.CombinedText);

        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        using Stream stream = zip.GetEntry("KubeGen.nuspec")!.Open();
        XElement metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        output.WriteLine(metadata.ToString());

        Assert.Equal("KubeGen", Value("id"));
        Assert.Equal(package.Version, Value("version"));
        Assert.Equal("Apache-2.0", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.Contains("kubernetes", Value("tags"), StringComparison.Ordinal);

        string[] dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(d => $"{d.Parent!.Attribute("targetFramework")!.Value} {d.Attribute("id")!.Value} {d.Attribute("version")!.Value}")
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(
            ["net10.0 System.Threading.RateLimiting 8.0.0", "net10.0 YamlDotNet 18.1.0", "net8.0 System.Threading.RateLimiting 8.0.0", "net8.0 YamlDotNet 18.1.0"],
            dependencies);
    }

    /// <summary>The package's own files, without the OPC bookkeeping every .nupkg has.</summary>
    private static bool IsContent(string entry)
        => entry != "KubeGen.nuspec" && entry != "[Content_Types].xml" && !entry.StartsWith("_rels/", StringComparison.Ordinal) && !entry.StartsWith("package/", StringComparison.Ordinal);
}
