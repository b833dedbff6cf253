namespace KubeGen.Runtime.Tests.Infrastructure;

internal static class TestSupport
{
    /// <summary>A token that fails the test run instead of letting it hang.</summary>
    public static CancellationTokenSource Timeout(int seconds = 20)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(seconds));
        return source;
    }

    /// <summary>A fresh temporary directory, deleted by <see cref="TempDirectory.Dispose"/>.</summary>
    public static TempDirectory CreateTempDirectory() => new();

    public static TestObject Pod(string name, string resourceVersion, string? value = null)
        => new() { ApiVersion = "v1", Kind = "Pod", Metadata = new TestMetadata { Name = name, ResourceVersion = resourceVersion }, Value = value };
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kubegen-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
