namespace KubeGen.Runtime;

/// <summary>How a work queue is named and timed.</summary>
public sealed class WorkQueueOptions
{
    /// <summary>The name its metrics are tagged with (a controller's queue takes the controller's name). Default "workqueue".</summary>
    public string Name { get; set; } = "workqueue";

    /// <summary>The clock of delays, rate limits and metrics (tests pass a fake one). Default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
