using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>
/// A write's <c>fieldValidation</c> directive and what strict decoding found: fields the kind does
/// not have and fields given twice. <c>Strict</c> fails the request with them, <c>Warn</c> (the
/// default since Kubernetes 1.27) sends one <c>Warning: 299 - "…"</c> header each, <c>Ignore</c>
/// says nothing; the body is read the same way in all three (unknown fields dropped, the last of
/// duplicates kept), as kube-apiserver's create, update and patch handlers do.
/// </summary>
internal sealed class FieldValidation
{
    private const string ItemKey = "kubegen.fieldValidation";
    private readonly List<string> _problems = [];

    private FieldValidation(string directive) => Directive = directive;

    public string Directive { get; }

    /// <summary>The request's directive (read once per request).</summary>
    /// <exception cref="StatusException">422 for a value other than Strict, Warn or Ignore.</exception>
    public static FieldValidation Of(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out object? existing) && existing is FieldValidation known)
        {
            return known;
        }

        string directive = context.Request.Query["fieldValidation"].ToString();
        if (directive.Length == 0)
        {
            directive = "Warn";
        }
        else if (directive is not ("Strict" or "Warn" or "Ignore"))
        {
            throw StatusErrors.Invalid("meta.k8s.io", ApiHandler.OptionsKind(context.Request.Method), "", new FieldCause("FieldValueNotSupported", "fieldValidation", $"Unsupported value: \"{directive}\": supported values: \"Ignore\", \"Strict\", \"Warn\""));
        }

        var validation = new FieldValidation(directive);
        context.Items[ItemKey] = validation;
        return validation;
    }

    public void Duplicates(IEnumerable<string> paths) => _problems.AddRange(paths.Select(p => $"duplicate field \"{p}\""));

    public void Unknown(IEnumerable<string> paths) => _problems.AddRange(paths.Select(p => $"unknown field \"{p}\""));

    /// <summary>Acts on what was found: throws <paramref name="strictError"/>'s exception for Strict, adds warnings for Warn.</summary>
    /// <param name="context">The request, whose response gets the warnings.</param>
    /// <param name="strictError">The failure for Strict, given runtime.StrictDecodingError's text (<c>strict decoding error: …</c>).</param>
    public void Settle(HttpContext context, Func<string, StatusException> strictError)
    {
        if (_problems.Count == 0)
        {
            return;
        }

        switch (Directive)
        {
            case "Strict":
                throw strictError("strict decoding error: " + string.Join(", ", _problems));
            case "Warn":
                foreach (string problem in _problems)
                {
                    // k8s.io/apimachinery/pkg/util/net.NewWarningHeader: code 299, agent "-", quoted text.
                    context.Response.Headers.Append("Warning", "299 - \"" + problem.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
                }

                break;
        }

        _problems.Clear();
    }
}
