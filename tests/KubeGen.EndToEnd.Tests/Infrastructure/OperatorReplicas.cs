using KubeGen.Testing;

namespace KubeGen.EndToEnd.Tests.Infrastructure;

/// <summary>An operator sample's published binary run as replicas of one Deployment against the emulator.</summary>
public static class OperatorReplicas
{
    /// <summary>
    /// One replica, as one pod of the Deployment: the server's KUBERNETES_SERVICE_HOST/PORT and KUBEGEN_SERVICEACCOUNT_DIR
    /// (every replica shares the account), its own identity, and short lease timings so that a lost leader would be replaced
    /// within seconds (a clean stop releases the Lease, so a handover does not wait for them).
    /// </summary>
    public static RunningProcess Start(string binaryPath, string publishDirectory, KubeApiServerEmulator server, string identity, ITestOutputHelper output)
        => RunningProcess.Start(
            binaryPath,
            ["--identity", identity, "--lease-duration", "2", "--renew-deadline", "1.5", "--retry-period", "0.3"],
            publishDirectory,
            server.Environment,
            identity,
            output);

    /// <summary>The first of <paramref name="replicas"/> to print a line <paramref name="line"/> accepts (the leader, for "leader: acquired").</summary>
    public static async Task<T> FirstToPrintAsync<T>(IReadOnlyList<T> replicas, Func<T, IReadOnlyList<string>> linesOf, Func<string, bool> line, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        T? found = null;
        await Polling.UntilAsync(() => (found = replicas.FirstOrDefault(r => linesOf(r).Any(line))) is not null, "a replica leads", timeout, cancellationToken);
        return found!;
    }
}
