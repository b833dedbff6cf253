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
    private readonly Dictionary<OperationKind, Dictionary<string, QueryParameterDraft>> _byVerb = new();
    private readonly Dictionary<OperationKind, OptionsTypeModel> _types = new();

    public OptionsBuilder(string rootNamespace, string hintPrefix)
    {
        _rootNamespace = rootNamespace;
        _hintPrefix = hintPrefix;
    }

    /// <summary>The class names, reserved in the client's namespace before anything else is named.</summary>
    public static IEnumerable<string> ClassNames => s_verbs.Select(ClassName);

    private static readonly OperationKind[] s_verbs =
    {
        OperationKind.Get, OperationKind.List, OperationKind.Watch, OperationKind.Create,
        OperationKind.Replace, OperationKind.Patch, OperationKind.Delete, OperationKind.DeleteCollection,
    };

    /// <summary>Whether an operation takes an options class (a delete with a DeleteOptions body takes the body instead).</summary>
    public static bool TakesOptions(OperationDraft operation) => !(operation.Kind == OperationKind.Delete && operation.Body is not null);

    /// <summary>Adds an operation's query parameters to its verb's class.</summary>
    public void Add(OperationDraft operation)
    {
        if (!TakesOptions(operation))
        {
            return;
        }

        if (!_byVerb.TryGetValue(operation.Kind, out var parameters))
        {
            parameters = new Dictionary<string, QueryParameterDraft>(StringComparer.Ordinal);
            _byVerb.Add(operation.Kind, parameters);
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
        foreach (var verb in s_verbs.Where(_byVerb.ContainsKey))
        {
            var name = ClassName(verb);
            var taken = new HashSet<string>(CSharpNames.ObjectMembers, StringComparer.Ordinal) { name };
            var properties = _byVerb[verb].Values
                .OrderBy(p => p.JsonName, StringComparer.Ordinal)
                .Select(p => new OptionPropertyModel(p.JsonName, CSharpNames.Unique(CSharpNames.Pascal(p.JsonName), taken), p.Type, p.Description))
                .ToImmutableEquatableArray();
            _types[verb] = new OptionsTypeModel(name, verb, properties, $"{_hintPrefix}.{name}.g.cs");
        }

        return s_verbs.Where(_types.ContainsKey).Select(v => _types[v]).ToImmutableEquatableArray();
    }

    /// <summary>The options parameter of an operation: its verb's class and the properties its own spec declares.</summary>
    public OptionsUseModel? UseFor(OperationDraft operation)
    {
        if (!TakesOptions(operation))
        {
            return null;
        }

        var type = _types[operation.Kind];
        var declared = new HashSet<string>(operation.Query.Select(q => q.JsonName), StringComparer.Ordinal);
        return new OptionsUseModel(
            $"global::{_rootNamespace}.{type.Name}",
            type.Properties.Where(p => declared.Contains(p.JsonName)).ToImmutableEquatableArray());
    }

    private static string ClassName(OperationKind verb) => verb + "Options";

    private static TypeRef Wider(TypeRef a, TypeRef b)
        => a == b ? a
            : a.Kind == ValueKind.String || b.Kind == ValueKind.String ? TypeRef.String
            : a.Kind == ValueKind.Int64 || b.Kind == ValueKind.Int64 ? TypeRef.Int64
            : a.Kind == ValueKind.Int32 && b.Kind == ValueKind.Int32 ? a
            : TypeRef.String;
}
