using System.Text;
using System.Text.Json.Nodes;

namespace KubeGen.Webhooks.Manifests;

/// <summary>
/// The Kubernetes objects that run the webhooks and tell the API server to call them, from the
/// registrations: a ServiceAccount, a Service and a Deployment (probes, a hardened security context,
/// the serving-certificate Secret mounted read-only), the cert-manager Issuer and Certificate when
/// cert-manager provides the certificate, and one <c>ValidatingWebhookConfiguration</c> and/or
/// <c>MutatingWebhookConfiguration</c> with an entry per registration.
/// </summary>
public static class WebhookManifests
{
    private const string NameLabel = "app.kubernetes.io/name";

    /// <summary>The objects, in the order <c>kubectl apply</c> should see them.</summary>
    public static IReadOnlyList<JsonObject> Build(WebhookServerOptions server, ManifestOptions manifest, IEnumerable<WebhookRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(manifest);
        List<WebhookRegistration> all = [.. registrations];
        var documents = new List<JsonObject> { ServiceAccount(server, manifest) };
        if (manifest.CertManager)
        {
            documents.Add(Issuer(server));
            documents.Add(Certificate(server));
        }

        documents.Add(Service(server));
        documents.Add(Deployment(server, manifest));
        foreach (WebhookKind kind in new[] { WebhookKind.Mutating, WebhookKind.Validating })
        {
            List<WebhookRegistration> ofKind = all.Where(r => r.Kind == kind).ToList();
            if (ofKind.Count > 0)
            {
                documents.Add(Configuration(server, manifest, kind, ofKind));
            }
        }

        return documents;
    }

    /// <summary>The same, as YAML documents (each starting with <c>---</c>).</summary>
    public static string ToYaml(IEnumerable<JsonObject> documents) => YamlWriter.Write(documents);

    /// <summary>The Secret the certificate lives in: <c>&lt;service&gt;-tls</c>.</summary>
    public static string SecretName(WebhookServerOptions server) => server.ServiceName + "-tls";

    private static JsonObject Metadata(WebhookServerOptions server, string name, bool namespaced = true, JsonObject? annotations = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (namespaced)
        {
            metadata["namespace"] = server.Namespace;
        }

        metadata["labels"] = new JsonObject { [NameLabel] = server.ServiceName };
        if (annotations is not null)
        {
            metadata["annotations"] = annotations;
        }

        return metadata;
    }

    private static JsonObject ServiceAccount(WebhookServerOptions server, ManifestOptions manifest) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ServiceAccount",
        ["metadata"] = Metadata(server, server.ServiceName),
        ["automountServiceAccountToken"] = manifest.AutomountServiceAccountToken,
    };

    private static JsonObject Issuer(WebhookServerOptions server) => new()
    {
        ["apiVersion"] = "cert-manager.io/v1",
        ["kind"] = "Issuer",
        ["metadata"] = Metadata(server, server.ServiceName + "-selfsigned"),
        ["spec"] = new JsonObject { ["selfSigned"] = new JsonObject() },
    };

    private static JsonObject Certificate(WebhookServerOptions server) => new()
    {
        ["apiVersion"] = "cert-manager.io/v1",
        ["kind"] = "Certificate",
        ["metadata"] = Metadata(server, server.ServiceName),
        ["spec"] = new JsonObject
        {
            ["secretName"] = SecretName(server),
            ["dnsNames"] = Strings(server.DnsNames),
            ["issuerRef"] = new JsonObject { ["kind"] = "Issuer", ["name"] = server.ServiceName + "-selfsigned" },
            ["privateKey"] = new JsonObject { ["algorithm"] = "ECDSA", ["size"] = 256, ["rotationPolicy"] = "Always" },
        },
    };

    private static JsonObject Service(WebhookServerOptions server) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = Metadata(server, server.ServiceName),
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { [NameLabel] = server.ServiceName },
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = server.ServicePort, ["targetPort"] = "https", ["protocol"] = "TCP" }),
        },
    };

    private static JsonObject Deployment(WebhookServerOptions server, ManifestOptions manifest)
    {
        static JsonObject Probe(string path, int period) => new()
        {
            ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = "https", ["scheme"] = "HTTPS" },
            ["periodSeconds"] = period,
        };

        var container = new JsonObject
        {
            ["name"] = "webhook",
            ["image"] = manifest.Image,
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["containerPort"] = server.Port, ["protocol"] = "TCP" }),
            ["readinessProbe"] = Probe(WebhookServerOptions.ReadinessPath, 5),
            ["livenessProbe"] = Probe(WebhookServerOptions.LivenessPath, 10),
            ["resources"] = new JsonObject
            {
                ["requests"] = new JsonObject { ["cpu"] = "10m", ["memory"] = "32Mi" },
                ["limits"] = new JsonObject { ["memory"] = "128Mi" },
            },
            ["securityContext"] = new JsonObject
            {
                ["allowPrivilegeEscalation"] = false,
                ["readOnlyRootFilesystem"] = true,
                ["runAsNonRoot"] = true,
                ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") },
                ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
            },
            ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "serving-certs", ["mountPath"] = server.CertificateDirectory, ["readOnly"] = true }),
        };

        var labels = new JsonObject { [NameLabel] = server.ServiceName };
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = Metadata(server, server.ServiceName),
            ["spec"] = new JsonObject
            {
                ["replicas"] = manifest.Replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = labels.DeepClone() },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = labels },
                    ["spec"] = new JsonObject
                    {
                        ["serviceAccountName"] = server.ServiceName,
                        ["automountServiceAccountToken"] = manifest.AutomountServiceAccountToken,
                        ["securityContext"] = new JsonObject
                        {
                            ["runAsNonRoot"] = true,
                            ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
                        },
                        ["containers"] = new JsonArray(container),
                        ["volumes"] = new JsonArray(new JsonObject { ["name"] = "serving-certs", ["secret"] = new JsonObject { ["secretName"] = SecretName(server) } }),
                    },
                },
            },
        };
    }

    private static JsonObject Configuration(WebhookServerOptions server, ManifestOptions manifest, WebhookKind kind, List<WebhookRegistration> registrations)
    {
        JsonObject? annotations = manifest.CertManager
            ? new JsonObject { ["cert-manager.io/inject-ca-from"] = server.Namespace + "/" + server.ServiceName }
            : null;
        var webhooks = new JsonArray();
        foreach (WebhookRegistration registration in registrations)
        {
            webhooks.Add((JsonNode)Webhook(server, manifest, registration));
        }

        return new JsonObject
        {
            ["apiVersion"] = "admissionregistration.k8s.io/v1",
            ["kind"] = kind == WebhookKind.Mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration",
            ["metadata"] = Metadata(server, server.ServiceName, namespaced: false, annotations),
            ["webhooks"] = webhooks,
        };
    }

    private static JsonObject Webhook(WebhookServerOptions server, ManifestOptions manifest, WebhookRegistration registration)
    {
        var clientConfig = new JsonObject
        {
            ["service"] = new JsonObject
            {
                ["name"] = server.ServiceName,
                ["namespace"] = server.Namespace,
                ["path"] = registration.Path,
                ["port"] = server.ServicePort,
            },
        };
        if (!manifest.CertManager)
        {
            clientConfig["caBundle"] = manifest.CaBundlePem is string pem
                ? Convert.ToBase64String(Encoding.UTF8.GetBytes(pem))
                : ManifestOptions.CaBundlePlaceholder;
        }

        WebhookResource resource = registration.Resource;
        var resources = new JsonArray(resource.Plural);
        foreach (string subresource in registration.Subresources)
        {
            resources.Add((JsonNode)JsonValue.Create(resource.Plural + "/" + subresource));
        }

        var webhook = new JsonObject
        {
            ["name"] = registration.Name,
            ["admissionReviewVersions"] = new JsonArray("v1"),
            ["clientConfig"] = clientConfig,
            ["rules"] = new JsonArray(new JsonObject
            {
                ["apiGroups"] = new JsonArray(resource.Group),
                ["apiVersions"] = new JsonArray(resource.Version),
                ["operations"] = Strings(AdmissionOperationNames.ToRule(registration.Operations)),
                ["resources"] = resources,
                ["scope"] = resource.Namespaced ? "Namespaced" : "Cluster",
            }),
            ["failurePolicy"] = registration.FailurePolicy.ToString(),
            ["matchPolicy"] = registration.MatchPolicy.ToString(),
            ["sideEffects"] = registration.SideEffects.ToString(),
            ["timeoutSeconds"] = registration.TimeoutSeconds,
            ["namespaceSelector"] = Selector(registration.NamespaceSelector),
            ["objectSelector"] = Selector(registration.ObjectSelector),
        };
        if (registration.Kind == WebhookKind.Mutating)
        {
            webhook["reinvocationPolicy"] = registration.ReinvocationPolicy.ToString();
        }

        return webhook;
    }

    private static JsonObject Selector(WebhookLabelSelector selector)
    {
        var result = new JsonObject();
        if (selector.MatchLabels.Count > 0)
        {
            var labels = new JsonObject();
            foreach ((string key, string value) in selector.MatchLabels)
            {
                labels[key] = value;
            }

            result["matchLabels"] = labels;
        }

        if (selector.MatchExpressions.Count > 0)
        {
            var expressions = new JsonArray();
            foreach (LabelSelectorRequirement requirement in selector.MatchExpressions)
            {
                var expression = new JsonObject { ["key"] = requirement.Key, ["operator"] = requirement.Operator };
                if (requirement.Values.Length > 0)
                {
                    expression["values"] = Strings(requirement.Values);
                }

                expressions.Add((JsonNode)expression);
            }

            result["matchExpressions"] = expressions;
        }

        return result;
    }

    private static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (string value in values)
        {
            array.Add((JsonNode)JsonValue.Create(value));
        }

        return array;
    }
}
