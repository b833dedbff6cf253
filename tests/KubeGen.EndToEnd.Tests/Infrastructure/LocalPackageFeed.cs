using System.Globalization;
using KubeGen.EndToEnd.Tests;

[assembly: AssemblyFixture(typeof(KubeGen.EndToEnd.Tests.Infrastructure.LocalPackageFeed))]

namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The KubeGen package of this working tree in a local feed, packed at most once per test run and
/// only when a test asks for it (<see cref="GetAsync"/>). Its version is unique to the run
/// (<c>0.1.0-e2e.&lt;UTC timestamp&gt;.&lt;pid&gt;</c>), so the NuGet global packages folder can never
/// serve a package restored by an earlier run; that folder's copy is deleted again on dispose.
/// </summary>
public sealed class LocalPackageFeed : IAsyncDisposable
{
    /// <summary>A cold pack (restore, generator, runtime for net8.0 and net10.0) takes about a minute on 2 cores.</summary>
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(6);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private PackResult? _result;

    /// <summary>Packs the repository's KubeGen package the first time it is called; later calls return the same result.</summary>
    public async Task<PackResult> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _result ??= await PackAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_result is { } result)
        {
            TryDelete(result.WorkDirectory);
            // Restores of the samples extracted the package into the global packages folder.
            TryDelete(Path.Combine(GlobalPackagesFolder(), "kubegen", result.Version.ToLowerInvariant()));
        }

        _gate.Dispose();
        return default;
    }

    private static async Task<PackResult> PackAsync(CancellationToken cancellationToken)
    {
        string root = NativeAotPublishFixture.FindRepositoryRoot();
        string version = string.Create(
            CultureInfo.InvariantCulture,
            $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");
        string work = Path.Combine(Path.GetTempPath(), "kubegen-e2e-feed-" + Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(work, "feed");
        Directory.CreateDirectory(feed);
        string[] arguments =
        [
            "pack", Path.Combine("src", "KubeGen", "KubeGen.csproj"),
            "-c", "Release",
            "-o", feed,
            "--artifacts-path", Path.Combine(work, "artifacts"),
            "-p:Version=" + version,
            "--disable-build-servers",
            "-tl:off",
            "-nologo",
        ];
        ProcessResult pack = await ProcessRunner.RunAsync(
            NativeAotPublishFixture.DotnetHost(),
            arguments,
            root,
            NativeAotPublishFixture.PublishEnvironment(),
            PackTimeout,
            cancellationToken);
        return new PackResult(version, feed, work, "dotnet " + string.Join(' ', arguments), pack);
    }

    /// <summary>Where restores extract packages: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    private static string GlobalPackagesFolder()
        => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The outcome of packing KubeGen into the local feed.</summary>
/// <param name="Version">The package version (unique to the run).</param>
/// <param name="FeedDirectory">The local feed: a folder holding the .nupkg.</param>
/// <param name="WorkDirectory">The pack's temporary directory (feed and artifacts).</param>
/// <param name="CommandLine">The pack command, for reports.</param>
/// <param name="Pack">What <c>dotnet pack</c> printed.</param>
public sealed record PackResult(string Version, string FeedDirectory, string WorkDirectory, string CommandLine, ProcessResult Pack)
{
    /// <summary>The KubeGen package file.</summary>
    public string PackagePath => Path.Combine(FeedDirectory, $"KubeGen.{Version}.nupkg");

    /// <summary>The pack succeeded and left the package in the feed.</summary>
    public bool Succeeded => Pack.ExitCode == 0 && !Pack.TimedOut && File.Exists(PackagePath);

    /// <summary>Every distinct warning line the pack printed.</summary>
    public IReadOnlyList<string> Warnings => NativeAotPublishFixture.WarningLines(Pack);
}
