namespace KubeGen.Client.Tests.Infrastructure;

internal static class TestTimeout
{
    /// <summary>A token that ends a test that would otherwise hang (linked to the test's own token).</summary>
    public static CancellationTokenSource Start(int seconds = 20)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(seconds));
        return source;
    }
}
