using KubeGen.Testing.Spec;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>What a request must pass before it is served: authentication, the route, authorization, then an injected fault.</summary>
internal sealed partial class ApiHandler
{
    /// <summary>Who a request without credentials is, where such requests are allowed (kube-apiserver's anonymous user).</summary>
    private static readonly EmulatorUser Anonymous = new() { Name = "system:anonymous", Groups = ["system:unauthenticated"] };

    /// <summary>The user a client certificate or bearer token authenticates; <see cref="Anonymous"/> for no credentials where <paramref name="allowAnonymous"/>; 401 otherwise.</summary>
    private EmulatorUser Authenticate(HttpContext context, bool allowAnonymous)
    {
        // kube-apiserver's x509 authenticator comes first: a client certificate the emulator issued names the user.
        if (_tokens.AuthenticateCertificate(context.Connection.ClientCertificate) is { } certificateUser)
        {
            return certificateUser;
        }

        string header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0 && allowAnonymous)
        {
            return Anonymous;
        }

        const string Prefix = "Bearer ";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw StatusErrors.Unauthorized();
        }

        return _tokens.Authenticate(header[Prefix.Length..].Trim()) ?? throw StatusErrors.Unauthorized();
    }

    /// <summary>
    /// Resolves a resource request to the served resource (<see cref="RequestInfo.Resource"/>) and lets
    /// it through only on a route kube-apiserver has (404), with a verb the resource serves (405), for a
    /// user allowed to (403).
    /// </summary>
    private void Admit(RequestInfo info, EmulatorUser user)
    {
        // kube-apiserver has no route for a cluster-scoped resource under a namespace prefix, a named
        // object of a namespaced resource without one, or segments after a subresource but proxy's.
        if (!info.IsResourceRequest
            || _catalog.Find(info.Group, info.Version, info.Plural) is not ApiResource resource
            || !info.ApiPath.IsRouteFor(resource.Namespaced))
        {
            throw StatusErrors.PathNotFound();
        }

        info.Resource = resource;
        if (resource.Namespaced && info.Namespace is null && info.Verb is not ("list" or "watch"))
        {
            throw StatusErrors.MethodNotAllowed();
        }

        if (info.Subresource is not null)
        {
            // Only status and scale are emulated; the spec's other subresources (log, eviction,
            // binding, finalize) are not served, as docs/emulator.md says.
            if (info.Subresource is not ("status" or "scale") || !resource.Subresources.TryGetValue(info.Subresource, out ApiSubresource? sub))
            {
                throw StatusErrors.PathNotFound();
            }

            if (!sub.Verbs.Contains(info.Verb))
            {
                throw StatusErrors.MethodNotAllowed();
            }
        }
        else if (!resource.Verbs.Contains(info.Verb) && !(info.Verb == "watch" && resource.Verbs.Contains("list")))
        {
            throw StatusErrors.MethodNotAllowed();
        }

        Authorize(user, info);
    }

    private static bool IsSelfSubjectReview(RequestInfo info)
        => info.Resource is { Group: "authorization.k8s.io", Plural: "selfsubjectaccessreviews" or "selfsubjectrulesreviews" } && info.Verb == "create";

    /// <summary>403 with kube-apiserver's message (<c>responsewriters.forbiddenMessage</c>) and the authorizer's reason after it.</summary>
    private void Authorize(EmulatorUser user, RequestInfo info)
    {
        ApiResource resource = info.Resource!;
        string? ns = info.Namespace;
        Authorization.Decision decision = _authorizer.Authorize(user, new Authorization.RequestAttributes(info.Verb, resource.Group, resource.Plural, info.Subresource, ns, info.Name));
        if (!decision.Allowed)
        {
            string what = info.Subresource is null ? resource.Plural : resource.Plural + "/" + info.Subresource;
            string scope = ns is not null ? $"in the namespace \"{ns}\"" : "at the cluster scope";
            string message = $"User \"{user.Name}\" cannot {info.Verb} resource \"{what}\" in API group \"{resource.Group}\" {scope}";
            throw StatusErrors.Forbidden(resource.Group, resource.Plural, info.Name, decision.Reason.Length > 0 ? message + ": " + decision.Reason : message);
        }
    }

    /// <summary>The fault rule this request uses up, if any; anonymous requests (health checks, <c>/version</c>) never take one.</summary>
    private Fault? TakeFault(RequestInfo info, EmulatorUser user)
        => ReferenceEquals(user, Anonymous)
            ? null
            : _faults.Take(info.Method, info.Path, info.Verb, info.IsResourceRequest ? info.Group : null, info.IsResourceRequest ? info.Plural : null, info.Namespace, info.Name);

    /// <summary>Applies what a fault does before the request is served; watch faults act later, while events are sent.</summary>
    /// <returns>False when the fault has closed the connection and nothing more is to be done.</returns>
    private static async Task<bool> ApplyFaultAsync(HttpContext context, Fault? fault)
    {
        switch (fault)
        {
            case LatencyFault latency:
                await Task.Delay(latency.Delay, context.RequestAborted);
                return true;
            case CloseConnectionFault:
                Abort(context);
                return false;
            case StatusFault status:
                throw status.Code switch
                {
                    429 => StatusErrors.TooManyRequests(status.RetryAfterSeconds ?? 1),
                    500 => StatusErrors.InternalError(status.Message ?? "injected fault"),
                    503 => StatusErrors.ServiceUnavailable(status.Message ?? "the server is currently unable to handle the request"),
                    _ => new StatusException(status.Code, StatusErrors.Status(status.Code, "", status.Message ?? "injected fault"), status.RetryAfterSeconds),
                };
            case CloseMidBodyFault:
                context.Items[MidBodyItem] = true;
                return true;
            default:
                return true;
        }
    }
}
