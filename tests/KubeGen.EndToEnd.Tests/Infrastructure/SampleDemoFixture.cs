namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs <c>samples/&lt;sample&gt;/demo.sh</c> once for a test class, in a work directory of its own that the script keeps
/// (its <c>&lt;SAMPLE&gt;_DEMO_DIR</c> variable), so the tests can then use the published binary and the publish log.
/// The samples' scripts publish with Native AOT, so they need Linux, bash and clang.
/// </summary>
public abstract class SampleDemoFixture(string sample) : IAsyncLifetime
{
    /// <summary>A cold run (restore, emulator build, AOT publish) takes a few minutes on 2 busy cores.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    private string? _workDirectory;

    public string RepositoryRoot { get; private set; } = string.Empty;

    public string? MissingPrerequisite { get; private set; }

    public ProcessResult? Demo { get; private set; }

    public string PublishDirectory => Path.Combine(_workDirectory ?? string.Empty, "publish");

    public string BinaryPath => Path.Combine(PublishDirectory, sample);

    public string PublishLogPath => Path.Combine(_workDirectory ?? string.Empty, "publish.log");

    private string Script => $"samples/{sample}/demo.sh";

    public async ValueTask InitializeAsync()
    {
        RepositoryRoot = NativeAotPublishFixture.FindRepositoryRoot();
        string? bash = ProcessRunner.FindOnPath("bash");
        MissingPrerequisite = !OperatingSystem.IsLinux() ? $"{Script} publishes and runs a Linux native binary, so it needs Linux."
            : bash is null ? $"{Script} needs bash on PATH."
            : ProcessRunner.FindOnPath("clang") is null ? $"{Script} publishes with Native AOT, which needs clang (and zlib1g-dev): apt-get install -y clang zlib1g-dev"
            : MissingTool(Script);
        if (MissingPrerequisite is not null)
        {
            return;
        }

        _workDirectory = Path.Combine(Path.GetTempPath(), $"kubegen-{sample.ToLowerInvariant()}-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_workDirectory);

        // The script's builds must not inherit this test run's MSBuild variables; the dotnet running the tests comes first.
        Dictionary<string, string?> environment = NativeAotPublishFixture.PublishEnvironment();
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            environment["PATH"] = Path.GetDirectoryName(host) + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        }

        environment[sample.ToUpperInvariant() + "_DEMO_DIR"] = _workDirectory;
        Demo = await ProcessRunner.RunAsync(bash!, [Path.Combine("samples", sample, "demo.sh")], RepositoryRoot, environment, Timeout, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        EndToEndRun.DeleteWorkDirectory(_workDirectory);
        return default;
    }

    public void RequirePrerequisites() => EndToEndRun.RequirePrerequisites(MissingPrerequisite, $"the {sample} demo");

    /// <summary>
    /// What every demo test asserts first: the script ran (its output goes to <paramref name="output"/>), finished in time,
    /// exited with 0, and its Native AOT publish reported no warning (no trim or AOT warning above all). Returns the run.
    /// </summary>
    public ProcessResult AssertDemoSucceeded(ITestOutputHelper output)
    {
        RequirePrerequisites();
        ProcessResult demo = Demo!;
        output.WriteLine($"bash {Script}: exit code {demo.ExitCode}, {demo.Duration.TotalSeconds:0.0} s\n{demo.CombinedText}");
        Assert.False(demo.TimedOut, "demo.sh did not finish in time and was killed.");
        Assert.True(demo.ExitCode == 0, $"demo.sh exited with {demo.ExitCode}:\n{demo.CombinedText}");

        string[] publishLog = File.ReadAllLines(PublishLogPath);
        IReadOnlyList<string> warnings = NativeAotPublishFixture.WarningLines(new ProcessResult(0, false, TimeSpan.Zero, publishLog, [], publishLog));
        Assert.True(warnings.Count == 0, "The AOT publish warned:\n" + string.Join('\n', warnings));
        return demo;
    }

    /// <summary>What else the script needs that is missing, or null.</summary>
    protected virtual string? MissingTool(string script) => null;
}
