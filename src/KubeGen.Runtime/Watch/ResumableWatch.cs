using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace KubeGen.Runtime;

/// <summary>
/// A watch that does not end or hang: it re-watches from the last resourceVersion it saw (bookmarks
/// advance it) after a clean end, a dropped connection or a connection that went quiet for longer than
/// <see cref="ResumableWatchOptions.IdleTimeout"/>, so the caller sees every change once and in order.
/// </summary>
/// <remarks>
/// Behaves like client-go's reflector watch loop: each call gets a random server-side timeout between
/// <see cref="ResumableWatchOptions.MinServerTimeout"/> and twice that; failures back off exponentially
/// (0.8 s doubling to 30 s, with jitter) until events flow again. When the server no longer has the
/// events after the resume point (410 Gone / <c>Expired</c>), the enumeration ends with
/// <see cref="WatchExpiredException"/>: list again, then watch from the list's resourceVersion.
/// Errors other than connection failures, timeouts, truncated streams, 429 and 5xx end the enumeration
/// (as <see cref="KubeApiException"/>).
/// </remarks>
public static class ResumableWatch
{
    /// <summary>Watches through <paramref name="watch"/>, resuming after every interruption.</summary>
    /// <typeparam name="T">The watched kind.</typeparam>
    /// <param name="watch">
    /// Starts one watch call; pass <see cref="WatchRequest.ResourceVersion"/>, <see cref="WatchRequest.TimeoutSeconds"/>
    /// and <see cref="WatchRequest.AllowWatchBookmarks"/> on to the generated <c>WatchAsync</c>.
    /// </param>
    /// <param name="resourceVersion">Where to start (typically a list's resourceVersion); null starts at the current state.</param>
    /// <param name="options">Idle bound, timeouts, backoff; null uses the defaults.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    public static IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        string? resourceVersion = null,
        ResumableWatchOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(watch);
        options ??= new ResumableWatchOptions();
        options.Validate();
        return WatchCoreAsync(watch, resourceVersion, options, options.EmitBookmarks, cancellationToken);
    }

    /// <summary>The cache's watch: bookmarks advance the resume point, and are passed on so the cache can record them.</summary>
    internal static IAsyncEnumerable<WatchEvent<T>> WatchCoreForCache<T>(
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        string? resourceVersion,
        ResumableWatchOptions options,
        CancellationToken cancellationToken)
        where T : class, IKubeObject
        => WatchCoreAsync(watch, resourceVersion, options, emitBookmarks: true, cancellationToken);

    /// <summary>The server-side timeout of one watch call: random between the minimum and twice the minimum (client-go).</summary>
    internal static int RandomTimeoutSeconds(TimeSpan minimum)
    {
        double seconds = minimum.TotalSeconds;
        return (int)Math.Min(int.MaxValue, seconds + (Random.Shared.NextDouble() * seconds));
    }

    /// <summary>client-go's backoff: initial × 2^(failures-1), at most the maximum, plus up to 100% jitter (capped at the maximum).</summary>
    internal static TimeSpan Backoff(int failures, TimeSpan initial, TimeSpan maximum)
    {
        if (failures <= 0 || initial <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        double baseMs = initial.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        baseMs = Math.Min(baseMs, maximum.TotalMilliseconds);
        double withJitter = baseMs * (1 + (Random.Shared.NextDouble() * 0.5));
        return TimeSpan.FromMilliseconds(Math.Min(withJitter, maximum.TotalMilliseconds));
    }

    /// <summary>Whether a watch that failed this way is worth starting again.</summary>
    internal static bool IsTransient(Exception exception) => exception switch
    {
        KubeApiException api => api.Status.Code is 429 or >= 500 || (int)api.StatusCode is 429 or >= 500,
        HttpRequestException or IOException or JsonException or TimeoutException => true,
        _ => false,
    };

    private static async IAsyncEnumerable<WatchEvent<T>> WatchCoreAsync<T>(
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        string? resourceVersion,
        ResumableWatchOptions options,
        bool emitBookmarks,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        string? lastResourceVersion = resourceVersion;
        TimeSpan idleTimeout = options.EffectiveIdleTimeout;
        bool idleBound = idleTimeout != Timeout.InfiniteTimeSpan;
        int failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new WatchRequest(lastResourceVersion, RandomTimeoutSeconds(options.MinServerTimeout), options.AllowWatchBookmarks);
            Exception? failure = null;
            bool progressed = false;

            // The attempt's own token: cancelled by the caller, or by the idle timer (on options.TimeProvider).
            using var attempt = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
            using CancellationTokenRegistration link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), attempt);
            IAsyncEnumerator<WatchEvent<T>>? events = null;
            try
            {
                while (true)
                {
                    WatchEvent<T> current;
                    try
                    {
                        if (idleBound)
                        {
                            attempt.CancelAfter(idleTimeout);
                        }

                        events ??= watch(request, attempt.Token).GetAsyncEnumerator(attempt.Token);
                        if (!await events.MoveNextAsync().ConfigureAwait(false))
                        {
                            break; // a clean end: the server's timeout, or an API server shutting down
                        }

                        current = events.Current;
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        failure = new TimeoutException($"The watch sent nothing for {idleTimeout.TotalSeconds:0.###} s; the connection is treated as dead.");
                        break;
                    }
                    catch (KubeApiException ex) when (ex.IsGone)
                    {
                        throw new WatchExpiredException(lastResourceVersion, ex);
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransient(ex))
                    {
                        failure = ex;
                        break;
                    }

                    // The caller's time handling the event does not count as idle time.
                    attempt.CancelAfter(Timeout.InfiniteTimeSpan);
                    if (current.Object.ObjectMetadata?.ResourceVersion is { Length: > 0 } eventVersion)
                    {
                        lastResourceVersion = eventVersion;
                    }

                    progressed = true;
                    if (current.Type == WatchEventType.Bookmark && !emitBookmarks)
                    {
                        continue;
                    }

                    yield return current;
                }
            }
            finally
            {
                if (events is not null)
                {
                    attempt.Cancel(); // closes the response stream of an abandoned watch at once
                    try
                    {
                        await events.DisposeAsync().ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // The connection is being abandoned; how it ends does not matter.
                    }
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            failures = progressed ? 0 : failures + 1;
            options.OnReconnect?.Invoke(failure);
            TimeSpan wait = failures == 0 ? TimeSpan.Zero : Backoff(failures, options.InitialBackoff, options.MaxBackoff);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
