namespace KubeGen.Runtime;

/// <summary>How a <see cref="ControllerManager"/> elects a leader and shuts down.</summary>
public sealed class ControllerManagerOptions
{
    /// <summary>
    /// Creates the elector from the options the manager completes (null: no election, this replica always works). Usually
    /// <c>options => kube.CreateLeaderElector("my-operator", kube.Namespace, options)</c>.
    /// </summary>
    public Func<LeaderElectionOptions, LeaderElector>? LeaderElection { get; set; }

    /// <summary>
    /// Timings, identity and callbacks of the election (client-go's defaults when null). The manager runs the controllers'
    /// workers while leading; an <see cref="LeaderElectionOptions.OnStartedLeading"/> set here runs beside them.
    /// </summary>
    public LeaderElectionOptions? Election { get; set; }
}
