using System.Globalization;
using System.Text.RegularExpressions;
using KubeGen.EndToEnd.Tests.Infrastructure;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// The PodLister sample's first command, <c>samples/PodLister/demo.sh</c>, run as a user runs it:
/// it publishes the sample with Native AOT, starts the API server emulator seeded with
/// demo-pods.yaml and runs the native binary against it, as a pod and (<c>--kubeconfig</c>) from the
/// emulator's kubeconfig; and, on a PATH without clang or apt-get, it runs the same sample
/// JIT-compiled and prints one line on getting the native binary. Then the sample's
/// deploy/role.yaml is checked against the rules the generated client says it needs.
/// </summary>
[Collection(DemoScriptCollection.Name)]
public sealed partial class DemoScriptTests(DemoScriptFixture fixture, ITestOutputHelper output) : IClassFixture<DemoScriptFixture>
{
    /// <summary>The pods of samples/PodLister/demo-pods.yaml: name, phase, restarts, age (null: any), node.</summary>
    private static readonly (string Name, string Phase, string Restarts, string? Age, string Node)[] SeededPods =
    [
        ("cache-0", "Pending", "0", null, "<none>"),
        ("db-migrate-28xk4", "Succeeded", "0", null, "node-a"),
        ("web-7d4b9c8f6-x2k9p", "Running", "0", "4d", "node-a"),
        ("worker-5f8d7c6b9-qq7lm", "Running", "4", "120m", "node-b"),
    ];

    [Fact]
    public void Demo_script_prints_the_seeded_pods_from_the_native_binary()
    {
        fixture.RequirePrerequisites();
        ProcessResult demo = fixture.Demo!;
        List<string> stdout = AssertSeededTable(demo);
        Assert.Contains(stdout, line => line.StartsWith("==> KUBERNETES_SERVICE_HOST=", StringComparison.Ordinal));
        Assert.True(File.Exists(fixture.BinaryPath), $"demo.sh left no native binary at {fixture.BinaryPath}.");
        output.WriteLine($"native binary: {new FileInfo(fixture.BinaryPath).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes; demo.sh took {demo.Duration.TotalSeconds:0.0} s");
    }

    [Fact]
    public void With_kubeconfig_the_same_native_binary_connects_from_the_emulators_kubeconfig()
    {
        fixture.RequirePrerequisites();
        List<string> stdout = AssertSeededTable(fixture.KubeconfigDemo!);
        Assert.Contains(stdout, line => line.StartsWith("==> KUBECONFIG=", StringComparison.Ordinal) && line.EndsWith("/publish/PodLister", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_clang_the_demo_runs_the_sample_jit_compiled_and_says_in_one_line_how_to_get_the_native_binary()
    {
        fixture.RequireJitPrerequisites();
        ProcessResult demo = fixture.JitDemo!;
        List<string> stdout = AssertSeededTable(demo);
        Assert.DoesNotContain(stdout, line => line.Contains("Publishing PodLister as Native AOT", StringComparison.Ordinal));
        Assert.Contains(stdout, line => line.Contains("dotnet ", StringComparison.Ordinal) && line.EndsWith("/jit/PodLister.dll", StringComparison.Ordinal));
        string hint = Assert.Single(stdout, line => line.Contains("Native AOT binary", StringComparison.Ordinal));
        Assert.Contains("clang", hint, StringComparison.Ordinal);
        Assert.Contains("zlib1g-dev", hint, StringComparison.Ordinal);
    }

    /// <summary>A demo run that succeeded and printed the seeded pods as kubectl would; returns its standard output.</summary>
    private List<string> AssertSeededTable(ProcessResult demo)
    {
        Report(demo);
        Assert.False(demo.TimedOut, $"demo.sh did not finish within {DemoScriptFixture.Timeout.TotalMinutes} minutes and was killed.");
        Assert.True(demo.ExitCode == 0, $"demo.sh exited with {demo.ExitCode}:\n{demo.CombinedText}");

        List<string> stdout = demo.StandardOutput.ToList();
        int header = stdout.FindIndex(line => HeaderLine().IsMatch(line));
        Assert.True(header >= 0, "demo.sh printed no NAME PHASE RESTARTS AGE NODE header:\n" + demo.CombinedText);
        string[][] rows = stdout.Skip(header + 1)
            .TakeWhile(line => line.Length > 0)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToArray();

        Assert.Equal(SeededPods.Select(p => p.Name), rows.Select(r => r[0]));
        foreach (((string name, string phase, string restarts, string? age, string node), string[] row) in SeededPods.Zip(rows))
        {
            Assert.True(row.Length == 5, $"The row of {name} has {row.Length} columns: {string.Join(' ', row)}");
            Assert.Equal(phase, row[1]);
            Assert.Equal(restarts, row[2]);
            Assert.Matches(KubectlAge(), row[3]);
            if (age is not null)
            {
                Assert.Equal(age, row[3]);
            }

            Assert.Equal(node, row[4]);
        }

        Assert.Contains(stdout, line => line.StartsWith("==> PodLister exited with 0", StringComparison.Ordinal));
        return stdout;
    }

    [Fact]
    public async Task Deploy_role_has_exactly_the_rules_of_the_generated_client()
    {
        fixture.RequirePrerequisites();
        Assert.True(File.Exists(fixture.BinaryPath), $"demo.sh left no native binary at {fixture.BinaryPath}; see the demo test.");

        string generated = await RbacYaml.PrintedRulesAsync(fixture.BinaryPath, fixture.RepositoryRoot, TestContext.Current.CancellationToken);
        string rolePath = Path.Combine(fixture.RepositoryRoot, "samples", "PodLister", "deploy", "role.yaml");
        string role = await File.ReadAllTextAsync(rolePath, TestContext.Current.CancellationToken);
        output.WriteLine("KubeClient.RbacRules:\n" + generated);

        IReadOnlyList<string> expected = RbacYaml.ParseRules(generated);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, RbacYaml.ParseRules(RbacYaml.RulesSection(role)));
        Assert.Contains("|pods|get,list,watch", expected);
    }

    private void Report(ProcessResult demo)
    {
        output.WriteLine($"bash samples/PodLister/demo.sh: exit code {demo.ExitCode}, {demo.Duration.TotalSeconds:0.0} s");
        output.WriteLine(demo.CombinedText);
    }

    [GeneratedRegex(@"^NAME\s+PHASE\s+RESTARTS\s+AGE\s+NODE$")]
    private static partial Regex HeaderLine();

    /// <summary>apimachinery's HumanDuration: 5s, 3m2s, 120m, 2h5m, 4d, 4d3h, 400d, 2y10d, 9y.</summary>
    [GeneratedRegex(@"^(\d+s|\d+m(\d+s)?|\d+h(\d+m)?|\d+d(\d+h)?|\d+y(\d+d)?)$")]
    private static partial Regex KubectlAge();
}

/// <summary>
/// The collection of the classes that publish with Native AOT (demo.sh, the AOT controller, the
/// samples built from the package): it does not run in parallel with the others, and its classes
/// run one after another, because concurrent AOT publishes on a small machine would slow each other
/// past their time limits.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DemoScriptCollection
{
    public const string Name = "PodLister demo script";
}

/// <summary>Runs demo.sh for the class: as a pod, with --kubeconfig (incremental: the same work directory), and without clang.</summary>
public sealed class DemoScriptFixture : IAsyncLifetime
{
    /// <summary>A cold run (restore, AOT publish, emulator build) takes about two minutes on 2 cores.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    private string? _workDirectory;

    public string RepositoryRoot { get; private set; } = string.Empty;

    public string? MissingPrerequisite { get; private set; }

    public ProcessResult? Demo { get; private set; }

    public ProcessResult? KubeconfigDemo { get; private set; }

    public string? MissingJitPrerequisite { get; private set; }

    public ProcessResult? JitDemo { get; private set; }

    public string BinaryPath => Path.Combine(_workDirectory ?? string.Empty, "publish", "PodLister");

    public async ValueTask InitializeAsync()
    {
        RepositoryRoot = NativeAotPublishFixture.FindRepositoryRoot();
        if (!OperatingSystem.IsLinux())
        {
            MissingPrerequisite = MissingJitPrerequisite = "samples/PodLister/demo.sh publishes and runs a Linux native binary, so it needs Linux.";
            return;
        }

        string? bash = ProcessRunner.FindOnPath("bash");
        if (bash is null)
        {
            MissingPrerequisite = MissingJitPrerequisite = "samples/PodLister/demo.sh needs bash on PATH.";
            return;
        }

        _workDirectory = Path.Combine(Path.GetTempPath(), "kubegen-demo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_workDirectory);

        // The fallback first, in a work directory of its own: a PATH of links to every program but clang and
        // apt-get, so the script can neither link natively nor install clang, whatever this machine has.
        string jitWork = Path.Combine(_workDirectory, "jit-run");
        Dictionary<string, string?> jitEnvironment = ScriptEnvironment(jitWork);
        jitEnvironment["PATH"] = PathWithout(jitEnvironment.GetValueOrDefault("PATH") ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty, Path.Combine(_workDirectory, "no-clang-bin"));
        JitDemo = await ProcessRunner.RunAsync(bash, [Path.Combine("samples", "PodLister", "demo.sh")], RepositoryRoot, jitEnvironment, Timeout, TestContext.Current.CancellationToken);

        if (ProcessRunner.FindOnPath("clang") is null)
        {
            MissingPrerequisite =
                "samples/PodLister/demo.sh publishes with Native AOT, which needs clang (and zlib1g-dev), and clang is not on PATH. "
                + "Install them with: apt-get update && apt-get install -y clang zlib1g-dev";
            return;
        }

        Demo = await ProcessRunner.RunAsync(
            bash,
            [Path.Combine("samples", "PodLister", "demo.sh")],
            RepositoryRoot,
            ScriptEnvironment(_workDirectory),
            Timeout,
            TestContext.Current.CancellationToken);
        KubeconfigDemo = await ProcessRunner.RunAsync(
            bash,
            [Path.Combine("samples", "PodLister", "demo.sh"), "--kubeconfig"],
            RepositoryRoot,
            ScriptEnvironment(_workDirectory),
            Timeout,
            TestContext.Current.CancellationToken);
    }

    /// <summary>A folder of symbolic links to every program on <paramref name="path"/> except clang* and apt*, as a one-entry PATH.</summary>
    private static string PathWithout(string path, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(Directory.Exists))
        {
            foreach (string file in Directory.EnumerateFiles(directory))
            {
                string name = Path.GetFileName(file);
                string link = Path.Combine(folder, name);
                // The first directory of PATH to have a program wins, as in a shell.
                if (!name.StartsWith("clang", StringComparison.Ordinal) && !name.StartsWith("apt", StringComparison.Ordinal) && !File.Exists(link) && new FileInfo(link).LinkTarget is null)
                {
                    File.CreateSymbolicLink(link, file);
                }
            }
        }

        return folder;
    }

    public ValueTask DisposeAsync()
    {
        EndToEndRun.DeleteWorkDirectory(_workDirectory);
        return default;
    }

    /// <summary>Skips without the toolchain, except under CI, where that fails the test.</summary>
    public void RequirePrerequisites() => EndToEndRun.RequirePrerequisites(MissingPrerequisite, "the PodLister demo");

    /// <summary>The JIT fallback needs only Linux and bash.</summary>
    public void RequireJitPrerequisites() => EndToEndRun.RequirePrerequisites(MissingJitPrerequisite, "the PodLister demo without clang");

    /// <summary>
    /// The script runs builds of its own: MSBuild variables that `dotnet test` (or an IDE) set for
    /// this process must not leak into them; the dotnet that runs the tests comes first on PATH.
    /// The work directory is the test's, so that the native binary outlives the script.
    /// </summary>
    private static Dictionary<string, string?> ScriptEnvironment(string workDirectory)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase))
            {
                environment[name] = null;
            }
        }

        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            environment["PATH"] = Path.GetDirectoryName(host) + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        }

        environment["PODLISTER_DEMO_DIR"] = workDirectory;
        environment["KUBE_SPEC"] = null;
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        return environment;
    }
}
