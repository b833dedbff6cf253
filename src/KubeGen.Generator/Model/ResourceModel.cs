namespace KubeGen.Generator.Model;

/// <summary>One selected resource and the operations emitted for it.</summary>
internal sealed record ResourceModel(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool Namespaced,
    string PropertyName,
    string ClientClassName,
    TypeRef? KindType,
    ImmutableEquatableArray<OperationModel> Operations);

/// <summary>One generated client method.</summary>
internal sealed record OperationModel(
    string MethodName,
    OperationKind Kind,
    string HttpMethod,
    RestPathModel Path,
    bool TakesNamespace,
    bool TakesName,
    TypeRef? BodyType,
    TypeRef? ResponseType,
    ImmutableEquatableArray<QueryParameterModel> QueryParameters,
    string? Description,
    string Verb);

internal enum OperationKind
{
    Get,
    List,
    Watch,
    Create,
    Replace,
    Patch,
    Delete,
    DeleteCollection,
}

internal sealed record QueryParameterModel(string JsonName, string Name, TypeRef Type, string? Description);
