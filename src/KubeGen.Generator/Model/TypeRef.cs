namespace KubeGen.Generator.Model;

/// <summary>How a value is represented in C# and read/written as JSON.</summary>
internal enum ValueKind
{
    String,
    Int32,
    Int64,
    Double,
    Boolean,
    Bytes,
    Time,
    MicroTime,

    /// <summary>A plain <c>format: date-time</c> (CRDs): written back with the precision it was read with.</summary>
    DateTime,
    Quantity,
    IntOrString,
    RawJson,
    Object,
    List,
    Map,
}

/// <summary>
/// A reference to a C# type as the emitter needs it: the kind of JSON value, the fully qualified
/// C# name for objects, and the element type for lists and maps.
/// </summary>
internal sealed record TypeRef(ValueKind Kind, string? ObjectName = null, TypeRef? Element = null)
{
    public static readonly TypeRef String = new(ValueKind.String);
    public static readonly TypeRef Int32 = new(ValueKind.Int32);
    public static readonly TypeRef Int64 = new(ValueKind.Int64);
    public static readonly TypeRef Double = new(ValueKind.Double);
    public static readonly TypeRef Boolean = new(ValueKind.Boolean);
    public static readonly TypeRef Bytes = new(ValueKind.Bytes);
    public static readonly TypeRef Time = new(ValueKind.Time);
    public static readonly TypeRef MicroTime = new(ValueKind.MicroTime);
    public static readonly TypeRef DateTime = new(ValueKind.DateTime);
    public static readonly TypeRef Quantity = new(ValueKind.Quantity);
    public static readonly TypeRef IntOrString = new(ValueKind.IntOrString);
    public static readonly TypeRef RawJson = new(ValueKind.RawJson);

    public static TypeRef Object(string fullName) => new(ValueKind.Object, fullName);

    public static TypeRef List(TypeRef element) => new(ValueKind.List, null, element);

    public static TypeRef Map(TypeRef element) => new(ValueKind.Map, null, element);

    /// <summary>True for C# value types (nullable ones need <c>?</c> to express "absent").</summary>
    public bool IsValueType => Kind is ValueKind.Int32 or ValueKind.Int64 or ValueKind.Double or ValueKind.Boolean
        or ValueKind.Time or ValueKind.MicroTime or ValueKind.DateTime or ValueKind.IntOrString or ValueKind.RawJson;
}
