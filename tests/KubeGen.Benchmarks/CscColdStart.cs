using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KubeGen.Benchmarks;

/// <summary>
/// <c>--cold-csc [N]</c>: the generator inside the real compiler. Runs the SDK's own <c>csc.dll</c>
/// (ReadyToRun-compiled Roslyn, as <c>dotnet build</c> uses) N times per workload, each a new
/// process with no compiler server, with the spec as an additional file and its KubernetesApi
/// metadata in a global analyzer config (what build/KubeGen.props makes MSBuild write), and reads
/// the generator's own time from <c>/reportanalyzer</c>. The generated code is compiled against
/// the .NET reference pack and KubeGen.Runtime, so the csc wall time is a whole cold compilation.
/// </summary>
internal static partial class CscColdStart
{
    /// <param name="launches">csc processes per workload (and per generator).</param>
    /// <param name="generators">
    /// Generator assemblies to compare (<c>--generator PATH</c>, repeatable); by default the one built
    /// next to this exe. With several, launches alternate between them, so that a change in the
    /// machine's load hits every candidate alike (A/B under the same conditions).
    /// </param>
    /// <param name="only">Run only this workload (<c>--case</c>), e.g. to skip the 30 s full-spec compilations.</param>
    public static int Run(int launches, IReadOnlyList<string> generators, GeneratorCase? only)
    {
        var dotnetRoot = DotnetRoot();
        var dotnet = Path.Combine(dotnetRoot, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        var sdkVersion = Capture(dotnet, BenchmarkPaths.RepositoryRoot, "--version").Trim();
        var csc = Path.Combine(dotnetRoot, "sdk", sdkVersion, "Roslyn", "bincore", "csc.dll");
        var referencePack = ReferencePack(dotnetRoot);
        if (generators.Count == 0)
        {
            generators = [Path.Combine(AppContext.BaseDirectory, "KubeGen.Generator.dll")];
        }

        var runtime = Path.Combine(AppContext.BaseDirectory, "KubeGen.Runtime.dll");
        var spec = BenchmarkPaths.Spec(GeneratorInput.SpecFileName);
        foreach (var required in generators.Append(csc).Append(runtime))
        {
            if (!File.Exists(required))
            {
                throw new FileNotFoundException($"'{required}' does not exist.", required);
            }
        }

        Console.WriteLine($"Cold compiler: {launches} fresh csc processes per case (no compiler server); SDK {sdkVersion}; {csc}");
        Console.WriteLine($"References: {referencePack} + KubeGen.Runtime; spec {spec}");
        Console.WriteLine();
        Console.WriteLine("| Case | Generator | Generator time (/reportanalyzer) median | min | max | csc process wall median (generate + compile + emit) | Compile errors |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");

        var work = Directory.CreateTempSubdirectory("kubegen-bench-csc-");
        try
        {
            File.WriteAllText(Path.Combine(work.FullName, "Consumer.cs"), "namespace BenchConsumer { internal static class Consumer { } }\n");
            foreach (var workload in Enum.GetValues<GeneratorCase>().Where(w => only is null || w == only))
            {
                var resources = workload == GeneratorCase.ThreeResources ? GeneratorInput.ThreeResourceSelection : null;
                var config = new StringBuilder()
                    .Append("is_global = true\n")
                    .Append("build_property.RootNamespace = BenchConsumer\n\n")
                    .Append('[').Append(spec.Replace('\\', '/')).Append("]\n")
                    .Append("build_metadata.AdditionalFiles.KubeGenApi = true\n")
                    .Append("build_metadata.AdditionalFiles.Namespace = ").Append(GeneratorInput.RootNamespace).Append('\n')
                    .Append("build_metadata.AdditionalFiles.ClientName = ").Append(GeneratorInput.ClientName).Append('\n');
                if (resources is not null)
                {
                    config.Append("build_metadata.AdditionalFiles.KubeGenResources = ").Append(GeneratorInput.CompilerSelector(resources)).Append('\n');
                }

                var configPath = Path.Combine(work.FullName, workload + ".globalconfig");
                File.WriteAllText(configPath, config.ToString());

                var arguments = new List<string>
                {
                    "/nologo", "/t:library", "/optimize+", "/nullable:enable", "/deterministic+", "/reportanalyzer",
                    "/out:" + Path.Combine(work.FullName, workload + ".dll"),
                    "/additionalfile:" + spec,
                    "/analyzerconfig:" + configPath,
                    "/r:" + runtime,
                };
                arguments.AddRange(Directory.EnumerateFiles(referencePack, "*.dll").Order(StringComparer.Ordinal).Select(r => "/r:" + r));
                arguments.Add(Path.Combine(work.FullName, "Consumer.cs"));
                var responseFiles = new List<string>();
                for (var g = 0; g < generators.Count; g++)
                {
                    var responseFile = Path.Combine(work.FullName, $"{workload}.{g}.rsp");
                    File.WriteAllLines(responseFile, arguments.Prepend("/analyzer:" + generators[g]).Select(a => "\"" + a + "\""));
                    responseFiles.Add(responseFile);
                }

                var generatorTimes = generators.Select(_ => new List<double>()).ToList();
                var walls = generators.Select(_ => new List<double>()).ToList();
                var errors = new int[generators.Count];
                for (var i = 0; i < launches; i++)
                {
                    for (var g = 0; g < generators.Count; g++)
                    {
                        var stopwatch = Stopwatch.StartNew();
                        var output = Capture(dotnet, work.FullName, csc, "/noconfig", "@" + responseFiles[g]);
                        stopwatch.Stop();
                        walls[g].Add(stopwatch.Elapsed.TotalMilliseconds);
                        generatorTimes[g].Add(GeneratorSeconds(output) * 1000);
                        var errorLines = output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).ToList();
                        errors[g] = errorLines.Count;
                        foreach (var line in errorLines.Take(3))
                        {
                            Console.Error.WriteLine("  " + line.Trim());
                        }
                    }
                }

                for (var g = 0; g < generators.Count; g++)
                {
                    var times = generatorTimes[g];
                    Console.WriteLine(
                        $"| {workload} | {(generators.Count == 1 ? "built" : generators[g])} | {Measure.Ms(Measure.Median(times))} | {Measure.Ms(times.Min())} | {Measure.Ms(times.Max())} | {Measure.Ms(Measure.Median(walls[g]))} | {errors[g]} |");
                    Console.WriteLine($"<!-- {workload} {generators[g]} all: {string.Join(", ", times.Select(Measure.Ms))} -->");
                }
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }

        return 0;
    }

    /// <summary>The KubernetesApiGenerator line of the /reportanalyzer table (seconds).</summary>
    private static double GeneratorSeconds(string output)
    {
        var match = GeneratorLine().Match(output);
        if (!match.Success)
        {
            throw new InvalidOperationException("csc printed no generator time:" + Environment.NewLine + output);
        }

        var text = match.Groups["seconds"].Value;
        return double.Parse(text.Contains('.', StringComparison.Ordinal) ? text : text.Replace(',', '.'), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\s*(?<seconds>[0-9]+[.,][0-9]+)\s+[0-9<]+\s+KubeGen\.Generator\.KubernetesApiGenerator\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex GeneratorLine();

    /// <summary>The dotnet root this process runs on (…/shared/Microsoft.NETCore.App/x.y.z/ is three levels below it).</summary>
    private static string DotnetRoot()
    {
        var configured = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(Path.Combine(configured, "sdk")))
        {
            return configured;
        }

        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Path.GetFullPath(Path.Combine(framework, "..", "..", ".."));
    }

    private static string ReferencePack(string dotnetRoot)
    {
        var major = Environment.Version.Major;
        var packs = new DirectoryInfo(Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref"));
        var newest = packs.Exists
            ? packs.EnumerateDirectories($"{major}.*")
                .Select(d => (Directory: d, Version: Version.TryParse(d.Name.Split('-')[0], out var v) ? v : new Version(0, 0)))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Directory.FullName, "ref", $"net{major}.0"))
                .FirstOrDefault(Directory.Exists)
            : null;
        return newest ?? throw new DirectoryNotFoundException($"No Microsoft.NETCore.App.Ref {major}.x reference pack under {packs.FullName}.");
    }

    private static string Capture(string fileName, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var errorTask = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output + errorTask.GetAwaiter().GetResult();
    }
}
