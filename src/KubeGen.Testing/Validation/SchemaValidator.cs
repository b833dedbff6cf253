using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Validation;

/// <summary>
/// Validates a custom resource against its CRD's structural schema the way apiextensions-apiserver
/// does (kube-openapi's validator, its errors turned into field errors by
/// <c>kubeOpenAPIResultToFieldErrors</c>): types, <c>x-kubernetes-int-or-string</c>, <c>nullable</c>,
/// formats, <c>enum</c>, string, number, array and object bounds, <c>pattern</c>, <c>required</c>,
/// <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>/<c>not</c>. Messages name the full path, as kube-openapi
/// does: <c>spec.replicas in body must be of type integer: "string"</c>.
/// </summary>
internal sealed class SchemaValidator(SchemaIndex schemas)
{
    private const int MaxDepth = 64;

    /// <summary>Checks <paramref name="value"/> at <paramref name="path"/> and adds what is wrong to <paramref name="causes"/>.</summary>
    public void Validate(JsonNode? value, JsonElement? schema, string path, List<FieldCause> causes)
        => Walk(value, schema, path, causes, 0);

    private void Walk(JsonNode? value, JsonElement? schema, string path, List<FieldCause> causes, int depth)
    {
        if (depth > MaxDepth || schemas.Resolve(schema) is not { ValueKind: JsonValueKind.Object } s)
        {
            return;
        }

        if (!CheckType(value, s, path, causes))
        {
            return;
        }

        if (value is null)
        {
            return;
        }

        CheckEnum(value, s, path, causes);
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                CheckString(v, s, path, causes);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                CheckNumber(v, s, path, causes);
                break;
            case JsonArray a:
                CheckArray(a, s, path, causes, depth);
                break;
            case JsonObject o:
                CheckObject(o, s, path, causes, depth);
                break;
        }

        CheckCombinators(value, s, path, causes, depth);
    }

    /// <returns>Whether the value has a type the schema allows (only then are its other keywords checked).</returns>
    private static bool CheckType(JsonNode? value, JsonElement s, string path, List<FieldCause> causes)
    {
        string found = GoValue.TypeName(value);
        if (value is null && Bool(s, "nullable"))
        {
            return true;
        }

        bool intOrString = Bool(s, "x-kubernetes-int-or-string");
        string? type = Str(s, "type");
        if (intOrString)
        {
            if (found is "integer" or "string")
            {
                return true;
            }

            causes.Add(FieldErrors.TypeInvalid(path, found, $"{Body(path)} must be of type integer,string: {GoValue.Quote(found)}"));
            return false;
        }

        if (type is null or "")
        {
            return true;
        }

        bool ok = type switch
        {
            "integer" => found == "integer",
            "number" => found is "integer" or "number",
            _ => found == type,
        };
        if (!ok)
        {
            causes.Add(FieldErrors.TypeInvalid(path, found, $"{Body(path)} must be of type {type}: {GoValue.Quote(found)}"));
        }

        return ok;
    }

    private static void CheckEnum(JsonNode value, JsonElement s, string path, List<FieldCause> causes)
    {
        if (!s.TryGetProperty("enum", out JsonElement enumeration) || enumeration.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var allowed = new List<string>();
        foreach (JsonElement option in enumeration.EnumerateArray())
        {
            if (JsonNode.DeepEquals(JsonNode.Parse(option.GetRawText()), value))
            {
                return;
            }

            allowed.Add(option.ValueKind == JsonValueKind.String ? option.GetString()! : option.GetRawText());
        }

        causes.Add(FieldErrors.NotSupported(path, value, allowed));
    }

    private static void CheckString(JsonValue value, JsonElement s, string path, List<FieldCause> causes)
    {
        string text = value.GetValue<string>();
        int runes = text.EnumerateRunes().Count();
        if (Long(s, "maxLength") is long max && runes > max)
        {
            causes.Add(FieldErrors.TooLong(path, max));
        }

        if (Long(s, "minLength") is long min && runes < min)
        {
            causes.Add(FieldErrors.Invalid(path, value, $"{Body(path)} should be at least {min} chars long"));
        }

        if (Str(s, "pattern") is string pattern && !Matches(pattern, text))
        {
            causes.Add(FieldErrors.Invalid(path, value, $"{Body(path)} should match '{pattern}'"));
        }

        if (Str(s, "format") is string format && !Formats.IsValid(format, text))
        {
            causes.Add(FieldErrors.FormatInvalid(path, value, $"{Body(path)} must be of type {format}: {GoValue.Quote(text)}"));
        }
    }

    private static bool Matches(string pattern, string text)
    {
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            // A pattern .NET cannot read is not the client's fault; the CRD was accepted with it.
            return true;
        }
        catch (RegexMatchTimeoutException)
        {
            return true;
        }
    }

    private static void CheckNumber(JsonValue value, JsonElement s, string path, List<FieldCause> causes)
    {
        double number = double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (Double(s, "minimum") is double min)
        {
            bool exclusive = Bool(s, "exclusiveMinimum");
            if (exclusive ? number <= min : number < min)
            {
                causes.Add(FieldErrors.Invalid(path, value, $"{Body(path)} should be greater than {(exclusive ? "" : "or equal to ")}{GoValue.Float(min)}"));
            }
        }

        if (Double(s, "maximum") is double max)
        {
            bool exclusive = Bool(s, "exclusiveMaximum");
            if (exclusive ? number >= max : number > max)
            {
                causes.Add(FieldErrors.Invalid(path, value, $"{Body(path)} should be less than {(exclusive ? "" : "or equal to ")}{GoValue.Float(max)}"));
            }
        }

        if (Double(s, "multipleOf") is double factor && factor > 0 && Math.Abs(Math.IEEERemainder(number, factor)) > 1e-9)
        {
            causes.Add(FieldErrors.Invalid(path, value, $"{Body(path)} should be a multiple of {GoValue.Float(factor)}"));
        }
    }

    private void CheckArray(JsonArray array, JsonElement s, string path, List<FieldCause> causes, int depth)
    {
        if (Long(s, "maxItems") is long max && array.Count > max)
        {
            causes.Add(FieldErrors.TooMany(path, array.Count, max));
        }

        if (Long(s, "minItems") is long min && array.Count < min)
        {
            causes.Add(FieldErrors.Invalid(path, JsonValue.Create(array.Count), $"{Body(path)} should have at least {min} items"));
        }

        JsonElement? items = s.TryGetProperty("items", out JsonElement i) ? i : null;
        for (int index = 0; index < array.Count; index++)
        {
            Walk(array[index], items, FieldErrors.Index(path, index), causes, depth + 1);
        }
    }

    private void CheckObject(JsonObject obj, JsonElement s, string path, List<FieldCause> causes, int depth)
    {
        if (s.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement name in required.EnumerateArray())
            {
                if (name.GetString() is string field && !obj.ContainsKey(field))
                {
                    causes.Add(FieldErrors.Required(FieldErrors.Child(path, field)));
                }
            }
        }

        if (Long(s, "maxProperties") is long max && obj.Count > max)
        {
            causes.Add(FieldErrors.TooMany(path, obj.Count, max));
        }

        if (Long(s, "minProperties") is long min && obj.Count < min)
        {
            causes.Add(FieldErrors.Invalid(path, JsonValue.Create(obj.Count), $"{Body(path)} should have at least {min} properties"));
        }

        JsonElement? properties = s.TryGetProperty("properties", out JsonElement p) && p.ValueKind == JsonValueKind.Object ? p : null;
        JsonElement? additional = s.TryGetProperty("additionalProperties", out JsonElement a) && a.ValueKind == JsonValueKind.Object ? a : null;
        foreach (KeyValuePair<string, JsonNode?> entry in obj)
        {
            string child = FieldErrors.Child(path, entry.Key);
            if (properties is { } declared && declared.TryGetProperty(entry.Key, out JsonElement property))
            {
                // The root metadata is ObjectMeta, checked by the name and label rules instead.
                if (!(path.Length == 0 && entry.Key == "metadata"))
                {
                    Walk(entry.Value, property, child, causes, depth + 1);
                }
            }
            else if (additional is { } values)
            {
                Walk(entry.Value, values, child, causes, depth + 1);
            }
        }
    }

    private void CheckCombinators(JsonNode value, JsonElement s, string path, List<FieldCause> causes, int depth)
    {
        if (s.TryGetProperty("allOf", out JsonElement allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement branch in allOf.EnumerateArray())
            {
                Walk(value, branch, path, causes, depth + 1);
            }
        }

        if (s.TryGetProperty("anyOf", out JsonElement anyOf) && anyOf.ValueKind == JsonValueKind.Array
            && !anyOf.EnumerateArray().Any(branch => Passes(value, branch, path, depth)))
        {
            causes.Add(FieldErrors.Invalid(path, value, $"{Body(path)} must validate at least one schema (anyOf)"));
        }

        if (s.TryGetProperty("oneOf", out JsonElement oneOf) && oneOf.ValueKind == JsonValueKind.Array
            && oneOf.EnumerateArray().Count(branch => Passes(value, branch, path, depth)) != 1)
        {
            causes.Add(FieldErrors.Invalid(path, value, $"{Body(path)} must validate one and only one schema (oneOf)"));
        }

        if (s.TryGetProperty("not", out JsonElement not) && not.ValueKind == JsonValueKind.Object && Passes(value, not, path, depth))
        {
            causes.Add(FieldErrors.Invalid(path, value, $"{Body(path)} must not validate the schema (not)"));
        }
    }

    private bool Passes(JsonNode value, JsonElement branch, string path, int depth)
    {
        var errors = new List<FieldCause>();
        Walk(value, branch, path, errors, depth + 1);
        return errors.Count == 0;
    }

    /// <summary>kube-openapi's "<c>{name} in body</c>".</summary>
    private static string Body(string path) => path + " in body";

    private static string? Str(JsonElement s, string name) => s.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Bool(JsonElement s, string name) => s.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.True;

    private static long? Long(JsonElement s, string name) => s.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : null;

    private static double? Double(JsonElement s, string name) => s.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
