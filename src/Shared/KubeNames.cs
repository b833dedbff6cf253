// Source-shared by the generator (netstandard2.0), the runtime and the emulator: keep it free of
// dependencies and of APIs newer than netstandard2.0.
namespace KubeGen.Shared;

/// <summary>
/// The name grammars of the Kubernetes API (apimachinery's <c>validation</c> package): what an API
/// group, version, resource, subresource or verb may look like. Anything a cluster serves is checked
/// against them before it reaches generated code, a manifest or a route.
/// </summary>
internal static class KubeNames
{
    /// <summary>The longest DNS-1123 label (63 characters).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>The longest DNS-1123 subdomain (253 characters).</summary>
    public const int MaxSubdomainLength = 253;

    /// <summary>
    /// A DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or
    /// digit, at most 63 characters (<c>pods</c>, <c>my-crd</c>).
    /// </summary>
    public static bool IsDns1123Label(string? value)
    {
        if (value is null || value.Length == 0 || value.Length > MaxLabelLength)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var alphanumeric = IsLowerAlphanumeric(c);
            if (!alphanumeric && !(c == '-' && i > 0 && i < value.Length - 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A DNS-1035 label: a DNS-1123 label that starts with a letter (CRD plurals and versions).</summary>
    public static bool IsDns1035Label(string? value)
        => IsDns1123Label(value) && value![0] >= 'a' && value[0] <= 'z';

    /// <summary>A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters (<c>apps</c>, <c>stable.example.com</c>).</summary>
    public static bool IsDns1123Subdomain(string? value)
    {
        if (value is null || value.Length == 0 || value.Length > MaxSubdomainLength)
        {
            return false;
        }

        var start = 0;
        while (start <= value.Length)
        {
            var dot = value.IndexOf('.', start);
            var end = dot < 0 ? value.Length : dot;
            if (!IsDns1123Label(value.Substring(start, end - start)))
            {
                return false;
            }

            if (dot < 0)
            {
                return true;
            }

            start = dot + 1;
        }

        return false;
    }

    /// <summary>An API group: empty for the core group, otherwise a DNS-1123 subdomain.</summary>
    public static bool IsApiGroup(string? value) => value is not null && (value.Length == 0 || IsDns1123Subdomain(value));

    /// <summary>An API version (<c>v1</c>, <c>v2beta1</c>, or any DNS-1035 label a CRD chooses).</summary>
    public static bool IsApiVersion(string? value) => IsDns1035Label(value);

    /// <summary>A resource or subresource name as it appears in a path and an RBAC rule (<c>pods</c>, <c>status</c>).</summary>
    public static bool IsResourceName(string? value) => IsDns1123Label(value);

    /// <summary>An RBAC verb: lower-case letters only (<c>get</c>, <c>deletecollection</c>, <c>use</c>).</summary>
    public static bool IsVerb(string? value)
    {
        if (value is null || value.Length == 0 || value.Length > MaxLabelLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c < 'a' || c > 'z')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
