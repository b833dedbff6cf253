using KubeGen.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace KubeGen.Hosting;

/// <summary>Adds controllers and leader election to the host (<see cref="KubeGenHostingExtensions.AddKubeControllers"/>).</summary>
public sealed class KubeControllerBuilder
{
    internal KubeControllerBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    internal List<Func<IServiceProvider, Controller>> Controllers { get; } = [];

    internal Func<IServiceProvider, LeaderElectionOptions, LeaderElector>? Elector { get; private set; }

    /// <summary>
    /// Adds a controller built from the services once the host starts: create its caches from the generated client, its
    /// reconciler, and register the sources (<c>new Controller(...).For(cache).Owns(...)</c>).
    /// </summary>
    public KubeControllerBuilder AddController(Func<IServiceProvider, Controller> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        Controllers.Add(create);
        return this;
    }

    /// <summary>
    /// Campaigns for a Lease before working; usually
    /// <c>(services, options) => services.GetRequiredService&lt;KubeClient&gt;().CreateLeaderElector("my-operator", ns, options)</c>.
    /// </summary>
    public KubeControllerBuilder WithLeaderElection(Func<IServiceProvider, LeaderElectionOptions, LeaderElector> createElector)
    {
        ArgumentNullException.ThrowIfNull(createElector);
        Elector = createElector;
        return this;
    }
}
