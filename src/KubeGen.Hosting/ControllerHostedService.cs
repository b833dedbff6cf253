using System.Net;
using KubeGen.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeGen.Hosting;

/// <summary>Runs the <see cref="ControllerManager"/> for the host's lifetime; the host's stopping token is the controllers' SIGTERM.</summary>
internal sealed class ControllerHostedService(ControllerManager manager, KubeControllerHostOptions options, ILogger<ControllerHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HealthServer? health = null;
        PrometheusMetrics? metrics = null;
        if (options.HealthPort is int port)
        {
            metrics = new PrometheusMetrics();
            health = HealthServer.Start(new IPEndPoint(IPAddress.Any, port), () => manager.IsRunning, () => manager.IsReady, metrics);
            HostLog.Serving(logger, health.Port);
        }

        try
        {
            await manager.RunAsync(stoppingToken).ConfigureAwait(false);
            HostLog.Stopped(logger);
        }
        finally
        {
            if (health is not null)
            {
                await health.DisposeAsync().ConfigureAwait(false);
            }

            metrics?.Dispose();
        }
    }
}
