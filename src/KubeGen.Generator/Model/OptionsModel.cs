namespace KubeGen.Generator.Model;

/// <summary>
/// A per-verb options class (ListOptions, PatchOptions…): one property per query parameter that any
/// selected operation of that verb takes. Properties are named and typed once here, so regenerating
/// from a newer cluster only ever adds properties; none shifts another.
/// </summary>
/// <param name="Name">The class name, in the client's namespace.</param>
/// <param name="Verb">The operations that take it (for documentation).</param>
/// <param name="Properties">The query parameters, in JSON name order.</param>
/// <param name="HintName">The generated file.</param>
/// <param name="Subresource">The subresource whose calls take it, for a class of its own (log, exec, attach); None for a verb's class.</param>
internal sealed record OptionsTypeModel(string Name, OperationKind Verb, ImmutableEquatableArray<OptionPropertyModel> Properties, string HintName, SubresourceKind Subresource = SubresourceKind.None);

/// <summary>One query parameter as an options property; <paramref name="Availability"/> for a parameter only some of a client's clusters take.</summary>
internal sealed record OptionPropertyModel(string JsonName, string Name, TypeRef Type, string? Description, ClusterAvailabilityModel? Availability = null);

/// <summary>An operation's options parameter: the class, and the properties this operation's spec declares (the ones it sends).</summary>
/// <param name="TypeName">The fully qualified options class.</param>
/// <param name="Sent">The query parameters the call sends, in JSON name order.</param>
internal sealed record OptionsUseModel(string TypeName, ImmutableEquatableArray<OptionPropertyModel> Sent)
{
    /// <summary>The property for a query parameter the operation declares, or null.</summary>
    public string? PropertyFor(string jsonName)
    {
        foreach (var property in Sent)
        {
            if (property.JsonName == jsonName)
            {
                return property.Name;
            }
        }

        return null;
    }
}
