using System.Reflection;

namespace KubeGen.Benchmarks;

/// <summary>Finds the shared real-cluster specs: $KUBEGEN_SPEC_DIR, else ../shared/openapi next to the repository.</summary>
internal static class BenchmarkPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string SpecDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("KUBEGEN_SPEC_DIR");
            return string.IsNullOrEmpty(configured)
                ? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "openapi"))
                : configured;
        }
    }

    public static string Spec(string fileName)
    {
        var path = Path.Combine(SpecDirectory, fileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The Kubernetes spec '{path}' does not exist; set KUBEGEN_SPEC_DIR to the folder holding {fileName}.", path);
        }

        return path;
    }

    private static string FindRepositoryRoot()
    {
        var built = typeof(BenchmarkPaths).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
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

        return Directory.GetCurrentDirectory();
    }
}
