using KubeGen.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KubeGen.Hosting;

/// <summary>
/// Healthy when the manager runs and every informer has synced (a standby replica is healthy too: it can take over at once);
/// degraded while informers sync; unhealthy when the manager does not run. Register it with ASP.NET Core's health checks
/// (<c>services.AddHealthChecks().AddCheck&lt;ControllerHealthCheck&gt;("controllers")</c>) and map it to a readiness probe.
/// </summary>
public sealed class ControllerHealthCheck(ControllerManager manager) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["leader"] = manager.IsLeader };
        HealthCheckResult result = !manager.IsRunning
            ? HealthCheckResult.Unhealthy("The controllers are not running.", data: data)
            : manager.IsReady
                ? HealthCheckResult.Healthy(manager.IsLeader ? "Leading." : "Standing by with synced caches.", data)
                : HealthCheckResult.Degraded("Informers are syncing.", data: data);
        return Task.FromResult(result);
    }
}
