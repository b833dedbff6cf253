namespace KubeGen.Generator.Tests.Infrastructure;

/// <summary>Where the tests find fixtures, goldens and the shared real-cluster specs.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Fixture(string name) => Path.Combine(Fixtures, name);

    /// <summary>The snapshot folder in the source tree (goldens are re-accepted there, not in bin/).</summary>
    public static string Snapshots => Path.Combine(RepositoryRoot, "tests", "KubeGen.Generator.Tests", "Snapshots");

    /// <summary>
    /// ../shared/openapi next to the repository (or KUBEGEN_SPEC_DIR). Tests that need it skip
    /// when it is absent on a developer's clone and fail under CI, where it must be present.
    /// </summary>
    public static string SharedSpecs()
    {
        var configured = Environment.GetEnvironmentVariable("KUBEGEN_SPEC_DIR");
        var directory = string.IsNullOrEmpty(configured)
            ? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "openapi"))
            : configured;
        if (Directory.Exists(directory))
        {
            return directory;
        }

        var message = $"The shared Kubernetes specs are not at '{directory}' (set KUBEGEN_SPEC_DIR to their folder).";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(message + " CI must have them.");
        }

        Assert.Skip(message);
        return directory;
    }

    public static string SharedSpec(string fileName) => Path.Combine(SharedSpecs(), fileName);

    private static string FindRepositoryRoot()
    {
        var built = typeof(TestPaths).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "Generator.sln")))
        {
            return built;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Generator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Generator.sln not found above " + AppContext.BaseDirectory);
    }
}
