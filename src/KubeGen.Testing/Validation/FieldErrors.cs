using System.Text.Json.Nodes;
using KubeGen.Testing.Http;

namespace KubeGen.Testing.Validation;

/// <summary>
/// The field errors of <c>k8s.io/apimachinery/pkg/util/validation/field</c>, as the causes of a 422
/// <c>Invalid</c> Status carry them: the cause's reason is the error type and its message the error
/// body (<c>Invalid value: "x": detail</c>), without the field, which is the cause's <c>field</c>.
/// </summary>
internal static class FieldErrors
{
    public static FieldCause Required(string field, string detail = "") => new("FieldValueRequired", field, detail);

    public static FieldCause Forbidden(string field, string detail) => new("FieldValueForbidden", field, detail);

    public static FieldCause Invalid(string field, JsonNode? value, string detail)
        => new("FieldValueInvalid", field, $"Invalid value: {GoValue.Format(value)}" + (detail.Length > 0 ? ": " + detail : ""));

    /// <summary><c>field.TypeInvalid</c>: the value is the name of the type found (kube-openapi passes that).</summary>
    public static FieldCause TypeInvalid(string field, string foundType, string detail)
        => new("FieldValueTypeInvalid", field, $"Invalid value: {GoValue.Quote(foundType)}: {detail}");

    /// <summary><c>field.TypeInvalid</c> for a value of the right JSON type in the wrong format: the value is the value itself.</summary>
    public static FieldCause FormatInvalid(string field, JsonNode? value, string detail)
        => new("FieldValueTypeInvalid", field, $"Invalid value: {GoValue.Format(value)}: {detail}");

    public static FieldCause NotSupported(string field, JsonNode? value, IEnumerable<string> supported)
    {
        string[] quoted = [.. supported.Select(GoValue.Quote)];
        return new("FieldValueNotSupported", field, $"Unsupported value: {GoValue.Format(value)}" + (quoted.Length > 0 ? ": supported values: " + string.Join(", ", quoted) : ""));
    }

    public static FieldCause Duplicate(string field, JsonNode? value) => new("FieldValueDuplicate", field, GoValue.Format(value));

    /// <summary><c>field.TooLong</c>: the value is left out of the message.</summary>
    public static FieldCause TooLong(string field, long maxBytes) => new("FieldValueTooLong", field, $"Too long: may not be more than {maxBytes} bytes");

    public static FieldCause TooMany(string field, long actual, long max) => new("FieldValueTooMany", field, $"Too many: {actual}: must have at most {max} items");

    /// <summary>A child path as <c>field.Path</c> prints it: <c>spec.containers</c>, <c>[0]</c>, <c>labels[app]</c> for map keys that are not identifiers.</summary>
    public static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;

    public static string Index(string path, int index) => $"{path}[{index}]";

    /// <summary>A map key under <paramref name="path"/> (<c>field.Path.Key</c>): <c>metadata.labels[app]</c>.</summary>
    public static string Key(string path, string key) => $"{path}[{key}]";
}
