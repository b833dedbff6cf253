using System;
using System.Collections.Generic;
using System.Linq;
using KubeGen.Generator.Model;
using KubeGen.Generator.Naming;

namespace KubeGen.Generator.Modeling;

/// <summary>
/// Decides the per-verb options classes of a client (client-go's ListOptions, PatchOptions…): one
/// class per verb, with one property per query parameter any selected operation of that verb takes,
/// named once. A query parameter a newer cluster adds becomes one more property; no call shape moves.
/// </summary>
/// <remarks>
/// A delete takes the API's own DeleteOptions object as its body instead (as client-go does): its
/// query parameters are the same fields, and the body also carries preconditions.
/// </remarks>
internal sealed class OptionsBuilder
{
    private readonly string _rootNamespace;
    private readonly string _hintPrefix;
    private readonly Dictionary<OptionsClass, Dictionary<string, QueryParameterDraft>> _byClass = new();
    private readonly Dictionary<OptionsClass, OptionsTypeModel> _types = new();

    public OptionsBuilder(string rootNamespace, string hintPrefix)
    {
        _rootNamespace = rootNamespace;
        _hintPrefix = hintPrefix;
    }

    /// <summary>The class names, reserved in the client's namespace before anything else is named.</summary>
    public static IEnumerable<string> ClassNames => s_classes.Select(c => c.Name);

    /// <summary>Every options class, in the order they are generated: one per verb, then the streaming subresources' own.</summary>
    private static readonly OptionsClass[] s_classes =
    {
        new(OperationKind.Get), new(OperationKind.List), new(OperationKind.Watch), new(OperationKind.Create),
        new(OperationKind.Replace), new(OperationKind.Patch), new(OperationKind.Delete), new(OperationKind.DeleteCollection),
        new(OperationKind.Get, SubresourceKind.Log), new(OperationKind.Connect, SubresourceKind.Exec), new(OperationKind.Connect, SubresourceKind.Attach),
    };

    /// <summary>
    /// Whether an operation takes an options class: a delete with a DeleteOptions body takes the body instead, and a
    /// port-forward has no query parameter but its port.
    /// </summary>
    public static bool TakesOptions(OperationDraft operation)
        => !(operation.Kind == OperationKind.Delete && operation.Body is not null) && operation.Subresource != SubresourceKind.PortForward;

    /// <summary>
    /// The class of an operation: its verb's, except log, exec and attach, whose parameters (container, follow, tty…)
    /// mean nothing to other calls of the verb.
    /// </summary>
    private static OptionsClass ClassOf(OperationDraft operation)
        => operation.Subresource is SubresourceKind.Log or SubresourceKind.Exec or SubresourceKind.Attach
            ? new OptionsClass(operation.Kind, operation.Subresource)
            : new OptionsClass(operation.Kind);

    /// <summary>Adds an operation's query parameters to its verb's class.</summary>
    public void Add(OperationDraft operation)
    {
        if (!TakesOptions(operation))
        {
            return;
        }

        var optionsClass = ClassOf(operation);
        if (!_byClass.TryGetValue(optionsClass, out var parameters))
        {
            parameters = new Dictionary<string, QueryParameterDraft>(StringComparer.Ordinal);
            _byClass.Add(optionsClass, parameters);
        }

        foreach (var query in operation.Query)
        {
            // Two operations that type one parameter differently: the wider type holds both.
            parameters[query.JsonName] = parameters.TryGetValue(query.JsonName, out var known)
                ? known with { Type = Wider(known.Type, query.Type), Description = known.Description ?? query.Description }
                : query;
        }
    }

    /// <summary>Names every class and property, once all operations are added.</summary>
    public ImmutableEquatableArray<OptionsTypeModel> Build()
    {
        foreach (var optionsClass in s_classes.Where(_byClass.ContainsKey))
        {
            var name = optionsClass.Name;
            var taken = new HashSet<string>(CSharpNames.ObjectMembers, StringComparer.Ordinal) { name };
            var properties = _byClass[optionsClass].Values
                .OrderBy(p => p.JsonName, StringComparer.Ordinal)
                .Select(p => new OptionPropertyModel(p.JsonName, CSharpNames.Unique(CSharpNames.Pascal(p.JsonName), taken), p.Type, p.Description))
                .ToImmutableEquatableArray();
            _types[optionsClass] = new OptionsTypeModel(name, optionsClass.Verb, properties, $"{_hintPrefix}.{name}.g.cs", optionsClass.Subresource);
        }

        return s_classes.Where(_types.ContainsKey).Select(c => _types[c]).ToImmutableEquatableArray();
    }

    /// <summary>The options parameter of an operation: its verb's class and the properties its own spec declares.</summary>
    public OptionsUseModel? UseFor(OperationDraft operation)
    {
        if (!TakesOptions(operation))
        {
            return null;
        }

        var type = _types[ClassOf(operation)];
        var declared = new HashSet<string>(operation.Query.Select(q => q.JsonName), StringComparer.Ordinal);
        return new OptionsUseModel(
            $"global::{_rootNamespace}.{type.Name}",
            type.Properties.Where(p => declared.Contains(p.JsonName)).ToImmutableEquatableArray());
    }

    /// <summary>One options class: a verb's (<c>ListOptions</c>), or a streaming subresource's (<c>LogOptions</c>).</summary>
    private sealed record OptionsClass(OperationKind Verb, SubresourceKind Subresource = SubresourceKind.None)
    {
        public string Name => (Subresource == SubresourceKind.None ? Verb.ToString() : Subresource.ToString()) + "Options";
    }

    private static TypeRef Wider(TypeRef a, TypeRef b)
        => a == b ? a
            : a.Kind == ValueKind.String || b.Kind == ValueKind.String ? TypeRef.String
            : a.Kind == ValueKind.Int64 || b.Kind == ValueKind.Int64 ? TypeRef.Int64
            : a.Kind == ValueKind.Int32 && b.Kind == ValueKind.Int32 ? a
            : TypeRef.String;
}
