using KubeGen.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeGen.Hosting;

/// <summary>Registration of KubeGen controllers in a <see cref="IServiceCollection"/>.</summary>
public static class KubeGenHostingExtensions
{
    /// <summary>
    /// Registers a <see cref="ControllerManager"/> (singleton) and the hosted service that runs it for the host's lifetime:
    /// informers on every replica, workers while leading, a drain within the controllers' grace period on shutdown (keep the
    /// host's <c>ShutdownTimeout</c>, 30 s by default, above it), reconcile failures and leadership changes logged.
    /// </summary>
    public static KubeControllerBuilder AddKubeControllers(this IServiceCollection services, Action<KubeControllerHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new KubeControllerBuilder(services);
        services.AddOptions<KubeControllerHostOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp => CreateManager(sp, builder));
        services.AddHostedService(sp => new ControllerHostedService(
            sp.GetRequiredService<ControllerManager>(),
            sp.GetRequiredService<IOptions<KubeControllerHostOptions>>().Value,
            sp.GetRequiredService<ILogger<ControllerHostedService>>()));
        return builder;
    }

    private static ControllerManager CreateManager(IServiceProvider services, KubeControllerBuilder builder)
    {
        KubeControllerHostOptions options = services.GetRequiredService<IOptions<KubeControllerHostOptions>>().Value;
        ILogger logger = services.GetRequiredService<ILogger<ControllerHostedService>>();
        var managerOptions = new ControllerManagerOptions();
        if (builder.Elector is { } createElector && options.LeaderElection)
        {
            managerOptions.LeaderElection = election => createElector(services, election);
            managerOptions.Election = new LeaderElectionOptions
            {
                Identity = options.Identity,
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
                OnNewLeader = holder => HostLog.NewLeader(logger, holder),
                OnStoppedLeading = () => HostLog.StoppedLeading(logger),
                OnStartedLeading = _ =>
                {
                    HostLog.StartedLeading(logger);
                    return Task.CompletedTask;
                },
            };
        }

        var manager = new ControllerManager(managerOptions);
        foreach (Func<IServiceProvider, Controller> create in builder.Controllers)
        {
            Controller controller = create(services);
            controller.ReconcileFailed += failure => HostLog.ReconcileFailed(logger, failure.Controller, failure.Request.ToString(), failure.Terminal, failure.Retries, failure.Exception);
            manager.Add(controller);
        }

        return manager;
    }
}
