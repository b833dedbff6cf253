using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using KubeGen.Testing.Tests.Infrastructure;
using static KubeGen.Testing.Tests.Infrastructure.Emulator;

namespace KubeGen.Testing.Tests;

/// <summary>A watch whose client stops reading is closed once its queue is full; other watches go on.</summary>
public sealed class SlowWatcherTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const int QueueLimit = 16;
    private const int ObjectBytes = 64 * 1024;

    /// <summary>The slow client's socket receive buffer, set small so the kernel cannot grow it while nobody reads.</summary>
    private const int ReceiveBuffer = 16 * 1024;

    [Fact]
    public async Task A_watch_whose_client_stops_reading_ends_when_its_queue_is_full()
    {
        await using KubeApiServerEmulator server = await StartAsync(o => o.WatchQueueLimit = QueueLimit);
        using HttpClient client = server.CreateHttpClient();
        using HttpClient slowClient = server.CreateHttpClient(null, null, handler => handler.ConnectCallback = ConnectWithSmallReceiveBufferAsync);
        string from = server.ResourceVersion.ToString(CultureInfo.InvariantCulture);

        // Both watches are subscribed once their response headers are in.
        await using WatchStream slow = await WatchStream.OpenAsync(slowClient, $"{ConfigMaps}?watch=true&resourceVersion={from}");
        await using WatchStream good = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={from}");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (slow.StatusCode, good.StatusCode));

        // Enough bytes that whatever the sockets, Kestrel and TLS hold, more than the queue limit is left to queue.
        int changes = QueueLimit + 2 + (int)(2 * BytesInFlightAtMost() / ObjectBytes);
        string data = $$"""{"k":"{{new string('x', ObjectBytes)}}"}""";
        var names = new List<string>();
        for (int i = 0; i < changes; i++)
        {
            string name = $"cm-{i:D4}";
            names.Add(name);
            Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync(ConfigMaps, ConfigMap(name, data: data))).Code);

            // The next change only once the well-behaved watch has delivered this one: its queue never holds more than one.
            JsonNode seen = (await good.NextAsync())!;
            Assert.Equal(("ADDED", name), (seen.Str("type"), seen.Str("object.metadata.name")));
        }

        Assert.Equal(QueueLimit, server.MostQueuedWatchEvents);

        // Reading at last, the slow client gets what was sent before it fell behind, in order and
        // without a gap, and then the end of the watch (not a broken connection).
        var received = new List<(string Name, string Rv)>();
        while (await slow.NextAsync() is JsonNode e)
        {
            received.Add((e.Str("object.metadata.name")!, e.Str("object.metadata.resourceVersion")!));
        }

        Assert.NotEmpty(received);
        Assert.True(received.Count <= changes - QueueLimit, $"{received.Count} of {changes} changes reached the slow watch");
        Assert.Equal(names.Take(received.Count), received.Select(r => r.Name));

        // Resuming from the last version it saw, as kube-apiserver's clients do, it misses nothing.
        await using (WatchStream resumed = await WatchStream.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={received[^1].Rv}"))
        {
            foreach (string name in names.Skip(received.Count))
            {
                Assert.Equal(name, (await resumed.NextAsync()).Str("object.metadata.name"));
            }
        }

        // The well-behaved watch is still open and current.
        await client.PostJsonAsync(ConfigMaps, ConfigMap("after"));
        Assert.Equal("after", (await good.NextAsync()).Str("object.metadata.name"));
    }

    /// <summary>
    /// What can sit between the server's watch loop and a client that reads nothing: the server
    /// socket's largest send buffer (Linux autotunes it up to <c>tcp_wmem</c>'s maximum), the client's
    /// receive buffer (the kernel doubles the size asked for), and a mebibyte for Kestrel's response
    /// buffer, TLS records and HttpClient's read buffer.
    /// </summary>
    private static long BytesInFlightAtMost()
    {
        const string SendBuffers = "/proc/sys/net/ipv4/tcp_wmem";
        long send = File.Exists(SendBuffers)
            ? long.Parse(File.ReadAllText(SendBuffers).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture)
            : 16L << 20; // elsewhere: a generous guess
        return send + (2L * ReceiveBuffer) + (1L << 20);
    }

    private static async ValueTask<Stream> ConnectWithSmallReceiveBufferAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        // Set before connecting, so the window offered is small from the start and never autotuned.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = ReceiveBuffer };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
