using System.Diagnostics;

namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>Waits for a state by polling it, with a bound: a state that never comes fails the test instead of hanging it.</summary>
public static class Polling
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan timeout, CancellationToken cancellationToken)
        => UntilAsync(() => Task.FromResult(condition()), what, timeout, cancellationToken);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"Timed out after {timeout.TotalSeconds:0} s waiting until {what}.");
            await Task.Delay(Interval, cancellationToken);
        }
    }
}
