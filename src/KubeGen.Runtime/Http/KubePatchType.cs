namespace KubeGen.Runtime;

/// <summary>The kinds of PATCH bodies the Kubernetes API server accepts.</summary>
public enum KubePatchType
{
    /// <summary>RFC 6902 JSON Patch (<c>application/json-patch+json</c>).</summary>
    JsonPatch,

    /// <summary>RFC 7386 JSON Merge Patch (<c>application/merge-patch+json</c>).</summary>
    MergePatch,

    /// <summary>Kubernetes strategic merge patch (<c>application/strategic-merge-patch+json</c>).</summary>
    StrategicMergePatch,

    /// <summary>Server-side apply (<c>application/apply-patch+yaml</c>); requires a field manager.</summary>
    ApplyPatch,
}
