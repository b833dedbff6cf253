using System.Diagnostics;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Connection;

public sealed class BearerTokenSourceTests
{
    [Fact]
    public async Task While_one_request_reads_a_slow_token_file_the_others_keep_the_last_good_token()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");
        File.WriteAllText(tokenFile, "ignored");
        using var readStarted = new ManualResetEventSlim();
        using var releaseRead = new ManualResetEventSlim();
        int reads = 0;
        string ReadFile(string path)
        {
            if (Interlocked.Increment(ref reads) == 1)
            {
                return "token-one";
            }

            readStarted.Set();
            releaseRead.Wait(TimeSpan.FromSeconds(20)); // a slow disk
            return "token-two";
        }

        var source = new BearerTokenSource(staticToken: null, tokenFile, readFile: ReadFile);
        Assert.Equal("token-one", source.GetToken());

        File.SetLastWriteTimeUtc(tokenFile, File.GetLastWriteTimeUtc(tokenFile).AddSeconds(5));
        Task<string?> slow = Task.Run(source.GetToken, TestContext.Current.CancellationToken);
        Assert.True(readStarted.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "the changed file was not read");

        // The read is stuck; other requests neither wait for it nor start another read.
        var stopwatch = Stopwatch.StartNew();
        string?[] meanwhile = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(source.GetToken, TestContext.Current.CancellationToken)));
        stopwatch.Stop();
        Assert.All(meanwhile, t => Assert.Equal("token-one", t));
        Assert.False(slow.IsCompleted);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"requests waited {stopwatch.Elapsed} for another request's read");
        Assert.Equal(2, Volatile.Read(ref reads));

        releaseRead.Set();
        Assert.Equal("token-two", await slow.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal("token-two", source.GetToken());
        Assert.Equal(2, source.FileReads);
    }

    [Fact]
    public void A_failed_read_keeps_the_last_good_token_until_the_file_changes_again_or_a_401()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");
        File.WriteAllText(tokenFile, "ignored");
        var results = new Queue<Func<string>>(
        [
            () => "good-token",
            () => throw new IOException("Input/output error"),
            () => "next-token",
        ]);
        var source = new BearerTokenSource(staticToken: null, tokenFile, readFile: _ => results.Dequeue()());
        Assert.Equal("good-token", source.GetToken());

        File.SetLastWriteTimeUtc(tokenFile, File.GetLastWriteTimeUtc(tokenFile).AddSeconds(5));
        Assert.Equal("good-token", source.GetToken()); // the read failed
        Assert.Equal("good-token", source.GetToken()); // and is not retried for every request
        Assert.Equal(2, source.FileReads);

        // The server rejects the old token: now the file is read again.
        Assert.Equal("next-token", source.RefreshAfterUnauthorized("good-token"));
        Assert.Equal("next-token", source.GetToken());
        Assert.Equal(3, source.FileReads);
    }

    [Fact]
    public void Concurrent_401s_share_one_refreshed_token()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");
        File.WriteAllText(tokenFile, "first-token");
        var source = new BearerTokenSource(null, tokenFile);
        Assert.Equal("first-token", source.GetToken());
        File.WriteAllText(tokenFile, "second-token");
        File.SetLastWriteTimeUtc(tokenFile, File.GetLastWriteTimeUtc(tokenFile).AddSeconds(5));

        Assert.Equal("second-token", source.RefreshAfterUnauthorized("first-token"));
        // A second request that was rejected with the old token takes the refreshed one without reading again.
        Assert.Equal("second-token", source.RefreshAfterUnauthorized("first-token"));
        Assert.Equal(2, source.FileReads);
    }

    [Fact]
    public void Recent_file_tokens_are_all_redacted()
    {
        using TempDirectory dir = TestSupport.CreateTempDirectory();
        string tokenFile = dir.File("token");
        File.WriteAllText(tokenFile, "redact-one");
        var source = new BearerTokenSource("redact-static", tokenFile);
        source.GetToken();
        File.WriteAllText(tokenFile, "redact-two");
        source.RefreshAfterUnauthorized("redact-one");

        Assert.Equal("[REDACTED] [REDACTED] [REDACTED]", source.Redact("redact-one redact-two redact-static"));
    }

    [Fact]
    public void The_stamp_of_a_kubelet_token_link_changes_with_every_symlink_swap_even_with_equal_timestamps()
    {
        using var directory = new ServiceAccountDirectory(token: "a");
        string firstReal = Path.Combine(directory.CurrentDataDirectory, "token");
        DateTime written = File.GetLastWriteTimeUtc(firstReal);
        FileStamp first = FileStamp.Of(directory.TokenFile);

        directory.Publish(token: "b");
        File.SetLastWriteTimeUtc(Path.Combine(directory.CurrentDataDirectory, "token"), written);
        FileStamp second = FileStamp.Of(directory.TokenFile);

        // The real paths (the temporary directory itself may sit behind a link on some systems).
        Assert.EndsWith(Path.Combine(Path.GetFileName(Path.GetDirectoryName(firstReal))!, "token"), first.RealPath, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine(Path.GetFileName(directory.CurrentDataDirectory), "token"), second.RealPath, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal(FileStamp.Missing, FileStamp.Of(directory.File("no-such-file")));
    }
}
