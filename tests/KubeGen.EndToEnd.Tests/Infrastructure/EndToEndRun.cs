namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>What every end-to-end fixture does alike: skip or fail without the toolchain, and clean up its work directory.</summary>
public static class EndToEndRun
{
    /// <summary>Skips the test when something it needs is missing, except under CI, where that fails it.</summary>
    /// <param name="missingPrerequisite">Why the fixture could not run, or null.</param>
    /// <param name="what">What must run under CI, for the failure message.</param>
    public static void RequirePrerequisites(string? missingPrerequisite, string what)
    {
        if (missingPrerequisite is null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail($"CI is set, so {what} must run: {missingPrerequisite}");
        }

        Assert.Skip(missingPrerequisite);
    }

    /// <summary>Deletes a fixture's work directory; a file still held open only leaves litter in the temp folder.</summary>
    public static void DeleteWorkDirectory(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
