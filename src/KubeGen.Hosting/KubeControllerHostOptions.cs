namespace KubeGen.Hosting;

/// <summary>
/// The host's settings, bindable from configuration (<c>services.AddOptions&lt;KubeControllerHostOptions&gt;().BindConfiguration("KubeControllers")</c>
/// with the configuration binding source generator for Native AOT).
/// </summary>
public sealed class KubeControllerHostOptions
{
    /// <summary>Campaign for a Lease before working (default true when an elector is configured with <c>WithLeaderElection</c>).</summary>
    public bool LeaderElection { get; set; } = true;

    /// <summary>This replica's identity in the Lease; default the pod name and a random suffix.</summary>
    public string? Identity { get; set; }

    /// <summary>client-go's lease duration (default 15 s).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>client-go's renew deadline (default 10 s).</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>client-go's retry period (default 2 s).</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Serve <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> on this port (the runtime's <see cref="KubeGen.Runtime.HealthServer"/>);
    /// null (default) serves nothing: use the health check with ASP.NET Core's health endpoints instead.
    /// </summary>
    public int? HealthPort { get; set; }
}
