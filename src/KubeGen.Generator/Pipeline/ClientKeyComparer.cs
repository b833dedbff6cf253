using System;
using System.Collections.Generic;

namespace KubeGen.Generator.Pipeline;

/// <summary>
/// Compares items by the client they belong to (same Namespace and ClientName, ordinal). A comparer
/// over the item rather than a (namespace, name) tuple key: LINQ grouping over a value tuple is
/// JIT-compiled in every fresh compiler, over a class it shares precompiled code.
/// </summary>
internal sealed class ClientKeyComparer : IEqualityComparer<ClientSettings>
{
    public static readonly ClientKeyComparer Instance = new();

    public bool Equals(ClientSettings? x, ClientSettings? y)
        => ReferenceEquals(x, y) || (x is not null && y is not null && x.RootNamespace == y.RootNamespace && x.ClientName == y.ClientName);

    public int GetHashCode(ClientSettings obj)
        => unchecked((StringComparer.Ordinal.GetHashCode(obj.RootNamespace) * 31) + StringComparer.Ordinal.GetHashCode(obj.ClientName));
}
