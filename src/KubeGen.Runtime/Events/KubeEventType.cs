namespace KubeGen.Runtime;

/// <summary>The event types.</summary>
public static class KubeEventType
{
    /// <summary>Something expected happened.</summary>
    public const string Normal = "Normal";

    /// <summary>Something went wrong, or may.</summary>
    public const string Warning = "Warning";
}
