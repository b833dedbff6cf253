using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using KubeGen.Webhooks.Manifests;
using KubeGen.Webhooks.Serving;
using Microsoft.AspNetCore.Builder;

namespace KubeGen.Webhooks;

/// <summary>
/// Collects the webhooks of one server: validating and mutating handlers per resource, typed with
/// the generated models (<c>Pod.JsonTypeInfo</c>) or as <see cref="JsonObject"/> for kinds the app did
/// not select. <see cref="Host"/> is the underlying <c>WebApplication.CreateSlimBuilder</c> builder,
/// for logging, configuration and services.
/// </summary>
public sealed class WebhookApplicationBuilder
{
    private readonly List<WebhookHandler> _handlers = [];

    internal WebhookApplicationBuilder(string[] args)
    {
        Args = args;
        Host = WebApplication.CreateSlimBuilder(args);
    }

    /// <summary>The command-line arguments.</summary>
    public string[] Args { get; }

    /// <summary>The ASP.NET Core builder (slim: Kestrel, configuration, logging; no MVC, no reflection).</summary>
    public WebApplicationBuilder Host { get; }

    /// <summary>The server's options.</summary>
    public WebhookServerOptions Server { get; } = new();

    /// <summary>What the generated manifests need beyond the registrations.</summary>
    public ManifestOptions Manifests { get; } = new();

    /// <summary>The webhooks registered so far.</summary>
    public IReadOnlyList<WebhookRegistration> Registrations => _handlers.Select(h => h.Registration).ToArray();

    /// <summary>A validating webhook for <paramref name="resource"/>, its objects read as <typeparamref name="T"/>.</summary>
    /// <param name="name">The webhook's name, DNS-style with at least three segments (<c>require-labels.example.com</c>).</param>
    /// <param name="resource">The resource (e.g. <c>WebhookResource.For(Pod.KubeApiVersion, Pod.KubeKind, "pods")</c>).</param>
    /// <param name="typeInfo">The model's JSON metadata (<c>Pod.JsonTypeInfo</c>).</param>
    /// <param name="handler">Decides; must not change the objects.</param>
    /// <param name="configure">Sets operations, failure policy, selectors, timeouts.</param>
    public WebhookApplicationBuilder Validate<T>(string name, WebhookResource resource, JsonTypeInfo<T> typeInfo, Func<AdmissionContext<T>, ValueTask<AdmissionDecision>> handler, Action<WebhookRegistration>? configure = null)
        where T : class
        => Add(name, WebhookKind.Validating, resource, new TypedCodec<T>(typeInfo), handler, configure);

    /// <summary>A validating webhook with a synchronous handler.</summary>
    public WebhookApplicationBuilder Validate<T>(string name, WebhookResource resource, JsonTypeInfo<T> typeInfo, Func<AdmissionContext<T>, AdmissionDecision> handler, Action<WebhookRegistration>? configure = null)
        where T : class
        => Validate(name, resource, typeInfo, Sync(handler), configure);

    /// <summary>A mutating webhook: the handler edits <see cref="AdmissionContext{T}.Object"/>; the answer carries the JSON Patch of the edit.</summary>
    public WebhookApplicationBuilder Mutate<T>(string name, WebhookResource resource, JsonTypeInfo<T> typeInfo, Func<AdmissionContext<T>, ValueTask<AdmissionDecision>> handler, Action<WebhookRegistration>? configure = null)
        where T : class
        => Add(name, WebhookKind.Mutating, resource, new TypedCodec<T>(typeInfo), handler, configure);

    /// <summary>A mutating webhook with a synchronous handler.</summary>
    public WebhookApplicationBuilder Mutate<T>(string name, WebhookResource resource, JsonTypeInfo<T> typeInfo, Func<AdmissionContext<T>, AdmissionDecision> handler, Action<WebhookRegistration>? configure = null)
        where T : class
        => Mutate(name, resource, typeInfo, Sync(handler), configure);

    /// <summary>A validating webhook for a kind the app has no model of: objects as <see cref="JsonObject"/>.</summary>
    public WebhookApplicationBuilder ValidateJson(string name, WebhookResource resource, Func<AdmissionContext<JsonObject>, AdmissionDecision> handler, Action<WebhookRegistration>? configure = null)
        => Add(name, WebhookKind.Validating, resource, RawCodec.Instance, Sync(handler), configure);

    /// <summary>A mutating webhook for a kind the app has no model of: edit the <see cref="JsonObject"/>.</summary>
    public WebhookApplicationBuilder MutateJson(string name, WebhookResource resource, Func<AdmissionContext<JsonObject>, AdmissionDecision> handler, Action<WebhookRegistration>? configure = null)
        => Add(name, WebhookKind.Mutating, resource, RawCodec.Instance, Sync(handler), configure);

    /// <summary>Builds the server (nothing is read or bound until it starts).</summary>
    public WebhookApplication Build() => new(this, [.. _handlers]);

    private static Func<AdmissionContext<T>, ValueTask<AdmissionDecision>> Sync<T>(Func<AdmissionContext<T>, AdmissionDecision> handler)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        return context => ValueTask.FromResult(handler(context));
    }

    private WebhookApplicationBuilder Add<T>(string name, WebhookKind kind, WebhookResource resource, IObjectCodec<T> codec, Func<AdmissionContext<T>, ValueTask<AdmissionDecision>> handler, Action<WebhookRegistration>? configure)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(handler);
        if (string.IsNullOrEmpty(name) || name.Split('.').Length < 3 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
        {
            throw new ArgumentException($"A webhook's name must be a lower-case DNS name with at least three segments (require-labels.example.com), not \"{name}\".", nameof(name));
        }

        if (_handlers.Any(h => h.Registration.Name == name && h.Registration.Kind == kind))
        {
            throw new ArgumentException($"A {kind.ToString().ToLowerInvariant()} webhook named \"{name}\" is already registered.", nameof(name));
        }

        var registration = new WebhookRegistration(name, kind, resource);
        configure?.Invoke(registration);
        if (_handlers.Any(h => h.Registration.Path == registration.Path))
        {
            throw new ArgumentException($"Another webhook already answers on {registration.Path}.", nameof(configure));
        }

        _handlers.Add(new WebhookHandler<T>(registration, codec, handler));
        return this;
    }
}
