using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using KubeGen.EndToEnd.Tests.Infrastructure;

namespace KubeGen.EndToEnd.Tests;

/// <summary>Publishes tests/KubeGen.AotApp (the generated-client consumer) with Native AOT once per test run.</summary>
public sealed class AotPublishFixture() : NativeAotPublishFixture("KubeGen.AotApp");

/// <summary>
/// Publishes one app of the repository with Native AOT once (into a fresh temporary directory, with
/// its own artifacts path so that parallel builds of the repository are not touched) and keeps the
/// whole publish output for the tests to inspect. The app is <c>tests/&lt;AppName&gt;</c> unless a
/// subclass names another project directory and adds publish arguments (<see cref="SamplePackagePublishFixture"/>).
/// </summary>
public abstract partial class NativeAotPublishFixture : IAsyncLifetime
{
    public const string RuntimeIdentifier = "linux-x64";

    protected NativeAotPublishFixture(string appName)
        : this(appName, Path.Combine("tests", appName))
    {
    }

    protected NativeAotPublishFixture(string appName, string projectDirectory)
    {
        AppName = appName;
        ProjectDirectory = projectDirectory;
    }

    /// <summary>The project's name (its directory holds <c>&lt;AppName&gt;.csproj</c>), which is also the native binary's name.</summary>
    public string AppName { get; }

    /// <summary>The project's directory, relative to the repository root.</summary>
    public string ProjectDirectory { get; }

    /// <summary>A hard limit so that a stuck publish fails the run instead of hanging it; a normal publish takes 1–2 minutes.</summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(6);

    private string? _workDirectory;

    /// <summary>Why the publish could not be attempted (no native toolchain), or null.</summary>
    public string? MissingPrerequisite { get; private set; }

    /// <summary>Why the publish was not run although the toolchain is there (a preparation step failed), or null.</summary>
    public string? PreparationFailure { get; protected set; }

    /// <summary>The fixture's own temporary directory (removed on dispose).</summary>
    protected string WorkDirectory => _workDirectory ?? throw new InvalidOperationException("The fixture is not initialized.");

    public string RepositoryRoot { get; private set; } = string.Empty;

    public string PublishDirectory { get; private set; } = string.Empty;

    public string BinaryPath => Path.Combine(PublishDirectory, AppName);

    public string CommandLine { get; private set; } = string.Empty;

    public ProcessResult? Publish { get; private set; }

    /// <summary>Every distinct line of the publish output that names a trim/AOT diagnostic (ILxxxx).</summary>
    public IReadOnlyList<string> TrimAndAotDiagnostics => Publish is null
        ? []
        : Publish.Combined.Where(line => TrimOrAotDiagnostic().IsMatch(line)).Select(line => line.Trim()).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Every distinct warning or error line of the publish output (MSBuild repeats them in its summary).</summary>
    public IReadOnlyList<string> WarningAndErrorLines => Publish is null
        ? []
        : Publish.Combined.Where(line => DiagnosticLine().IsMatch(line)).Select(line => line.Trim()).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Every distinct warning line of the publish output, with or without a code (<c>: warning NU1603:</c>, <c>: warning :</c>).</summary>
    public IReadOnlyList<string> AllWarningLines => Publish is null ? [] : WarningLines(Publish);

    public async ValueTask InitializeAsync()
    {
        RepositoryRoot = FindRepositoryRoot();
        _workDirectory = Path.Combine(Path.GetTempPath(), "kubegen-e2e-" + AppName + "-" + Guid.NewGuid().ToString("N"));
        PublishDirectory = Path.Combine(_workDirectory, "publish");
        string artifacts = Path.Combine(_workDirectory, "artifacts");
        Directory.CreateDirectory(PublishDirectory);

        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            MissingPrerequisite = $"The end-to-end tests publish and run a {RuntimeIdentifier} native binary, so they need a Linux x64 machine.";
            return;
        }

        if (ProcessRunner.FindOnPath("clang") is null)
        {
            MissingPrerequisite =
                "Native AOT publishing needs clang (and zlib1g-dev) for the native link, and clang is not on PATH. "
                + "Install them with: apt-get update && apt-get install -y clang zlib1g-dev";
            return;
        }

        IReadOnlyList<string>? extraArguments = await PrepareAsync(TestContext.Current.CancellationToken);
        if (extraArguments is null)
        {
            PreparationFailure ??= "The preparation of the publish failed.";
            return;
        }

        string[] arguments =
        [
            "publish", Path.Combine(ProjectDirectory, AppName + ".csproj"),
            "-c", "Release",
            "-r", RuntimeIdentifier,
            "-o", PublishDirectory,
            "--artifacts-path", artifacts,
            // No compiler server or MSBuild nodes that outlive the publish (and hold its output pipes open).
            "--disable-build-servers",
            "-tl:off",
            "-nologo",
            .. extraArguments,
        ];
        CommandLine = "dotnet " + string.Join(' ', arguments);
        Publish = await ProcessRunner.RunAsync(
            DotnetHost(),
            arguments,
            RepositoryRoot,
            PublishEnvironment(),
            PublishTimeout,
            TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Runs before the publish (the toolchain is there): returns extra publish arguments, or null
    /// (after setting <see cref="PreparationFailure"/>) when the publish cannot run.
    /// </summary>
    protected virtual Task<IReadOnlyList<string>?> PrepareAsync(CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<string>?>([]);

    public ValueTask DisposeAsync()
    {
        EndToEndRun.DeleteWorkDirectory(_workDirectory);
        return default;
    }

    /// <summary>Skips the test without the native toolchain, except under CI, where that fails it.</summary>
    public void RequirePrerequisites() => EndToEndRun.RequirePrerequisites(MissingPrerequisite, "the Native AOT end-to-end tests");

    /// <summary>The publish command, its outcome and the binary's size, for the publish test's output.</summary>
    public void WriteSummary(ITestOutputHelper output)
    {
        ProcessResult publish = Publish!;
        output.WriteLine($"{CommandLine}  (in {RepositoryRoot})");
        output.WriteLine($"publish: exit code {publish.ExitCode}, {publish.Duration.TotalSeconds:0.0} s{(publish.TimedOut ? ", TIMED OUT" : string.Empty)}");
        if (File.Exists(BinaryPath))
        {
            long size = new FileInfo(BinaryPath).Length;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"native binary: {size} bytes ({size / 1024.0 / 1024.0:0.00} MiB)"));
        }
    }

    /// <summary>For tests that need the binary: the publish succeeded (details are in the publish test).</summary>
    public void RequirePublishedBinary()
    {
        RequirePrerequisites();
        Assert.True(PreparationFailure is null, $"{AppName} was not published: {PreparationFailure}");
        ProcessResult publish = Publish!;
        Assert.True(
            publish.ExitCode == 0 && !publish.TimedOut && File.Exists(BinaryPath),
            $"The Native AOT publish of {AppName} failed (exit code {publish.ExitCode}{(publish.TimedOut ? ", timed out" : string.Empty)}), so there is no binary to run; "
            + "see the publish test of its class. Errors:\n" + string.Join('\n', WarningAndErrorLines.Take(5)));
    }

    internal static string FindRepositoryRoot()
    {
        string? fromBuild = typeof(NativeAotPublishFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (fromBuild is not null && File.Exists(Path.Combine(fromBuild, "Generator.sln")))
        {
            return fromBuild;
        }

        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Generator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find the repository root (Generator.sln) from '{fromBuild}' or '{AppContext.BaseDirectory}'.");
    }

    /// <summary>The dotnet host that runs this test (or the one on PATH).</summary>
    internal static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        return ProcessRunner.FindOnPath("dotnet")
            ?? (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet")) ? Path.Combine(root, "dotnet") : "dotnet");
    }

    /// <summary>
    /// The publish runs as a fresh top-level build: MSBuild variables that `dotnet test` (or an
    /// IDE) set for this process would otherwise leak into it.
    /// </summary>
    internal static Dictionary<string, string?> PublishEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase))
            {
                environment[name] = null;
            }
        }

        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        return environment;
    }

    /// <summary>Every distinct warning line of a build's output.</summary>
    internal static IReadOnlyList<string> WarningLines(ProcessResult result)
        => result.Combined.Where(line => AnyWarning().IsMatch(line)).Select(line => line.Trim()).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>IL2xxx (trim analysis), IL3xxx (single-file/AOT analysis) and any "warning IL…" line.</summary>
    [GeneratedRegex(@"\bIL[23]\d{3}\b|warning IL", RegexOptions.CultureInvariant)]
    internal static partial Regex TrimOrAotDiagnostic();

    [GeneratedRegex(@"\b(warning|error)\s+[A-Za-z]+\d+\s*:", RegexOptions.CultureInvariant)]
    internal static partial Regex DiagnosticLine();

    /// <summary>MSBuild's warning format, with or without a code: <c>file(1,2): warning CS0168: …</c>, <c>proj : warning NU1603: …</c>, <c>MSBUILD : warning : …</c>.</summary>
    [GeneratedRegex(@":\s*warning(\s+[A-Za-z]*\d+)?\s*:", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    internal static partial Regex AnyWarning();
}
