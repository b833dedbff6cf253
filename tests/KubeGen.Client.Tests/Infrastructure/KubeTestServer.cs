using System.Text.Json.Nodes;
using ClientTests.Kube;
using KubeGen.Runtime;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Client.Tests.Infrastructure;

/// <summary>
/// A Kestrel loopback server plus a generated <see cref="KubeClient"/> connected to it with a static token,
/// and a cancellation token that bounds the test.
/// </summary>
internal sealed class KubeTestServer : IAsyncDisposable
{
    public const string Token = "test-token";

    private readonly CancellationTokenSource _timeout;

    private KubeTestServer(LoopbackServer server, KubeConnection connection, CancellationTokenSource timeout)
    {
        Server = server;
        Connection = connection;
        Kube = new KubeClient(connection);
        _timeout = timeout;
    }

    public LoopbackServer Server { get; }

    public KubeConnection Connection { get; }

    public KubeClient Kube { get; }

    /// <summary>Cancelled when the test runs too long.</summary>
    public CancellationToken Cancel => _timeout.Token;

    public IReadOnlyList<RecordedRequest> Requests => Server.Requests;

    /// <summary>The one request the server saw.</summary>
    public RecordedRequest SingleRequest => Assert.Single(Server.Requests);

    public static async Task<KubeTestServer> StartAsync(string? defaultNamespace = null, int timeoutSeconds = 20)
    {
        CancellationTokenSource timeout = TestTimeout.Start(timeoutSeconds);
        LoopbackServer server = await LoopbackServer.StartAsync();
        var connection = new KubeConnection(new KubeConnectionOptions
        {
            Server = server.BaseUri,
            Token = Token,
            Namespace = defaultNamespace,
            RequestTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        });
        return new KubeTestServer(server, connection, timeout);
    }

    /// <summary>Answers the next request with 200 and <paramref name="json"/>.</summary>
    public void Reply(string json, int statusCode = 200) => Server.EnqueueJson(statusCode, json);

    /// <summary>Answers the next request with an API Status error.</summary>
    public void ReplyStatus(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        Server.EnqueueJson(code, status.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await Kube.DisposeAsync();
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
        _timeout.Dispose();
    }
}
