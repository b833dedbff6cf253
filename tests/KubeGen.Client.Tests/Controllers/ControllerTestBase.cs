using ClientTests.Kube;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>A fake cluster, a generated client connected to it and a test timeout.</summary>
internal sealed class ControllerFixture : IAsyncDisposable
{
    private readonly CancellationTokenSource _timeout;

    private ControllerFixture(FakeCluster cluster, KubeConnection connection, CancellationTokenSource timeout)
    {
        Cluster = cluster;
        Connection = connection;
        Kube = new KubeClient(connection);
        _timeout = timeout;
    }

    public FakeCluster Cluster { get; }

    public KubeConnection Connection { get; }

    public KubeClient Kube { get; }

    public CancellationToken Cancel => _timeout.Token;

    public static async Task<ControllerFixture> StartAsync(int timeoutSeconds = 60)
    {
        CancellationTokenSource timeout = TestTimeout.Start(timeoutSeconds);
        FakeCluster cluster = await FakeCluster.StartAsync();
        var connection = new KubeConnection(new KubeConnectionOptions { Server = cluster.BaseUri, Token = "t", Namespace = "default" });
        return new ControllerFixture(cluster, connection, timeout);
    }

    public KubeClient NewClient() => new(new KubeConnection(new KubeConnectionOptions { Server = Cluster.BaseUri, Token = "t", Namespace = "default" }));

    public async ValueTask DisposeAsync()
    {
        await Kube.DisposeAsync();
        Connection.Dispose();
        await Cluster.DisposeAsync();
        _timeout.Dispose();
    }
}
