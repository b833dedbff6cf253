using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// A typed server-side apply body: the kind's fields, every one optional, so that it serializes to exactly the fields a
/// controller sets and owns (client-go's apply configurations). Generated <c>…ApplyConfiguration</c> types implement it;
/// <see cref="KubeApply.ApplyAsync{T, TApply}"/> sends one.
/// </summary>
/// <typeparam name="TSelf">The apply configuration type itself.</typeparam>
public interface IApplyConfiguration<TSelf>
    where TSelf : IApplyConfiguration<TSelf>
{
    /// <summary>The type's reflection-free JSON metadata; it writes no property that is null.</summary>
    static abstract JsonTypeInfo<TSelf> JsonTypeInfo { get; }

    /// <summary>metadata.name: which object is applied.</summary>
    string? Name { get; }

    /// <summary>metadata.namespace; null for cluster-scoped kinds (or to use the call's namespace).</summary>
    string? Namespace { get; }
}
