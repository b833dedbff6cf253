namespace KubeGen.Runtime;

/// <summary>Who reports events and how an <see cref="EventRecorder"/> keeps a hot loop from flooding the API server.</summary>
public sealed class EventRecorderOptions
{
    /// <summary>The reporting controller, domain-qualified ("example.com/my-operator"); required.</summary>
    public string ReportingController { get; set; } = string.Empty;

    /// <summary>The reporting instance; default the HOSTNAME environment variable (the pod name), else the machine name.</summary>
    public string? ReportingInstance { get; set; }

    /// <summary>
    /// How long a repeat of the same event (same object, type, reason, action and note) counts as one series instead of a new
    /// Event (default 6 min, client-go's). A repeat is not written at once: see <see cref="SeriesUpdateInterval"/>.
    /// </summary>
    public TimeSpan SeriesWindow { get; set; } = TimeSpan.FromMinutes(6);

    /// <summary>How often the count of a repeating event is written (default 30 s): one patch per series per interval, however hot the loop.</summary>
    public TimeSpan SeriesUpdateInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>New Events one object may get at once (default 25, client-go's spam filter burst); more are dropped until tokens refill.</summary>
    public int BurstPerObject { get; set; } = 25;

    /// <summary>How often one object earns another new Event after its burst (default one per 5 min, client-go's).</summary>
    public TimeSpan RefillPerObject { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Events waiting to be written; beyond this, new ones are dropped (default 1,000). Recording never blocks.</summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>A write failed (the event is dropped; events are best-effort).</summary>
    public Action<Exception>? OnError { get; set; }

    /// <summary>The clock (tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
