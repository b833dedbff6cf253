using KubeGen.EndToEnd.Tests.Infrastructure;

namespace KubeGen.EndToEnd.Tests;

/// <summary>
/// Publishes <c>samples/&lt;name&gt;</c> with Native AOT once, built from the KubeGen <b>package</b>
/// as a user's application is: the repository is packed once per run into a local feed
/// (<see cref="LocalPackageFeed"/>, a version unique to the run), and the sample restores
/// <c>KubeGen</c> from it (samples/Directory.Build.props: <c>-p:KubeGenPackageVersion</c> and
/// <c>-p:KubeGenPackageSource</c>; the default NuGet sources still apply for everything else).
/// Nothing of src/ is built into the sample: the compiler loads the generator from the package's
/// analyzers/dotnet/cs/ and the app links the runtime from its lib/.
/// Derive one fixture per sample: <c>public sealed class MyFixture(LocalPackageFeed feed) : SamplePackagePublishFixture("MySample", feed);</c>
/// </summary>
public abstract class SamplePackagePublishFixture(string sampleName, LocalPackageFeed feed)
    : NativeAotPublishFixture(sampleName, Path.Combine("samples", sampleName))
{
    /// <summary>The pack that the sample was built from (null when the toolchain is missing).</summary>
    public PackResult? Package { get; private set; }

    /// <summary>The artifacts path of the publish (obj/ holds project.assets.json), for further builds of the same sample.</summary>
    public string ArtifactsDirectory => Path.Combine(WorkDirectory, "artifacts");

    /// <summary>The properties that make the sample build from the package in the local feed.</summary>
    public IReadOnlyList<string> PackageProperties => Package is null
        ? []
        : ["-p:KubeGenPackageVersion=" + Package.Version, "-p:KubeGenPackageSource=" + Package.FeedDirectory];

    /// <summary>Every distinct warning of the pack and of the publish: a user's build must see none from the package.</summary>
    public IReadOnlyList<string> PackAndPublishWarnings
        => (Package is null ? [] : Package.Warnings).Concat(AllWarningLines).Distinct(StringComparer.Ordinal).ToArray();

    protected override async Task<IReadOnlyList<string>?> PrepareAsync(CancellationToken cancellationToken)
    {
        Package = await feed.GetAsync(cancellationToken);
        if (!Package.Succeeded)
        {
            PreparationFailure =
                $"`{Package.CommandLine}` failed (exit code {Package.Pack.ExitCode}{(Package.Pack.TimedOut ? ", timed out" : string.Empty)}):\n"
                + string.Join('\n', Package.Pack.Combined.TakeLast(30));
            return null;
        }

        return PackageProperties;
    }
}
