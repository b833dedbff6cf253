namespace KubeGen.Runtime;

/// <summary>The errors generated <see cref="IKubeObjectClient{T}"/> implementations raise, worded once here.</summary>
public static class KubeObjectClientErrors
{
    /// <summary>A status call the selection did not generate: says which verb of <c>&lt;resource&gt;/status</c> to select.</summary>
    /// <param name="resource">The resource's plural ("configmaps").</param>
    /// <param name="verb">The verb the call needs ("patch", "update").</param>
    public static NotSupportedException StatusNotSelected(string resource, string verb)
        => new($"The selection has no {verb} of {resource}/status: add the verb to the resource's selector entry (the spec must serve the status subresource).");
}
