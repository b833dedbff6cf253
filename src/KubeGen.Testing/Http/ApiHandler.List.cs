using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;
using KubeGen.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace KubeGen.Testing.Http;

/// <summary>List: selectors, consistent pages with <c>continue</c>, <c>resourceVersionMatch</c>, and the list body.</summary>
internal sealed partial class ApiHandler
{
    private (LabelSelector Labels, FieldSelector Fields) Selectors(HttpContext context, RequestInfo info)
    {
        LabelSelector labels = LabelSelector.Parse(Query(context, "labelSelector"));
        FieldSelector fields = FieldSelector.Parse(Query(context, "fieldSelector"), info.Resource!.Group, info.Resource.Plural);
        return (labels, fields);
    }

    private static bool Matches(JsonObject obj, LabelSelector labels, FieldSelector fields)
        => labels.Matches(obj["metadata"]?["labels"] as JsonObject) && fields.Matches(obj);

    private sealed record ContinueToken(long ResourceVersion, string Start);

    private static string EncodeContinue(long rv, string lastKey)
    {
        var token = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = rv, ["start"] = lastKey + "\u0000" };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(token.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static ContinueToken DecodeContinue(string text)
    {
        try
        {
            string padded = text.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            JsonNode? node = JsonNode.Parse(Convert.FromBase64String(padded));
            if (node is JsonObject o && o["v"]?.GetValue<string>() == "meta.k8s.io/v1" && Serialization.JsonNodes.TryGetInt64(o["rv"], out long version) && o["start"]?.GetValue<string>() is string start)
            {
                return new ContinueToken(version, start);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
        }

        throw StatusErrors.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    }

    private const string ContinueExpiredMessage = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

    private async Task ListAsync(HttpContext context, RequestInfo info)
    {
        CheckAcceptable(context);
        ApiResource resource = info.Resource!;
        (LabelSelector labels, FieldSelector fields) = Selectors(context, info);
        string? ns = resource.Namespaced ? info.Namespace : null;
        int limit = 0;
        if (Query(context, "limit") is string limitText && (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 0))
        {
            throw StatusErrors.BadRequest($"invalid limit: {limitText}");
        }

        string? continueText = Query(context, "continue");
        string? rvText = Query(context, "resourceVersion");
        string? rvMatch = Query(context, "resourceVersionMatch");
        if (rvMatch is not null and not ("Exact" or "NotOlderThan"))
        {
            throw ListOptionsInvalid(new FieldCause("FieldValueNotSupported", "resourceVersionMatch", $"Unsupported value: \"{rvMatch}\": supported values: \"Exact\", \"NotOlderThan\""));
        }

        if (rvMatch is not null && string.IsNullOrEmpty(rvText))
        {
            throw ListOptionsInvalid(new FieldCause("FieldValueForbidden", "resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }

        if (rvMatch == "Exact" && rvText == "0")
        {
            throw ListOptionsInvalid(new FieldCause("FieldValueForbidden", "resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        }

        // A version the store has not reached: kube-apiserver waits up to 3 s for its cache to catch
        // up, then answers 504; the emulator's store never lags, so it answers at once.
        if (continueText is null && rvText is not null and not "0" && ParseResourceVersion(rvText) is long wanted && wanted > _store.CurrentResourceVersion)
        {
            throw StatusErrors.TooLargeResourceVersion(wanted, _store.CurrentResourceVersion);
        }

        List<JsonObject> items;
        long listVersion;
        string startAfter = "";
        if (continueText is not null)
        {
            if (rvText is not null and not "0")
            {
                throw ListOptionsInvalid(new FieldCause("FieldValueForbidden", "resourceVersion", "specifying resource version is not allowed when using continue"));
            }

            ContinueToken token = DecodeContinue(continueText);
            listVersion = token.ResourceVersion;
            startAfter = token.Start.TrimEnd('\u0000');
            items = _store.ListAt(resource.Key, ns, listVersion, () => StatusErrors.Expired(ContinueExpiredMessage));
        }
        else if (rvMatch == "Exact")
        {
            listVersion = ParseResourceVersion(rvText!);
            items = _store.ListAt(resource.Key, ns, listVersion, () => StatusErrors.Expired($"The resourceVersion for the provided list is too old."));
        }
        else
        {
            (items, listVersion) = _store.List(resource.Key, ns);
        }

        var selected = new List<JsonObject>();
        foreach (JsonObject obj in items)
        {
            if (startAfter.Length > 0 && string.CompareOrdinal(KeyOf(obj), startAfter) <= 0)
            {
                continue;
            }

            if (Matches(obj, labels, fields))
            {
                selected.Add(obj);
            }
        }

        string? next = null;
        long? remaining = null;
        if (limit > 0 && selected.Count > limit)
        {
            next = EncodeContinue(listVersion, KeyOf(selected[limit - 1]));
            remaining = selected.Count - limit;
            selected = selected.GetRange(0, limit);
        }

        string rvString = listVersion.ToString(CultureInfo.InvariantCulture);
        if (WantsTable(context))
        {
            await WriteJsonAsync(context, 200, Tables.Build(resource, selected, rvString, next, context.Request.Query["includeObject"].ToString()), Tables.ContentType);
            return;
        }

        var metadata = new JsonObject { ["resourceVersion"] = rvString };
        if (next is not null)
        {
            metadata["continue"] = next;
            if (labels.IsEmpty && fields.IsEmpty)
            {
                metadata["remainingItemCount"] = remaining;
            }
        }

        await WriteListAsync(context, resource, metadata, selected);
    }

    private static string KeyOf(JsonObject obj) => ObjectStore.StorageKey(MetaString(obj, "namespace") ?? "", MetaString(obj, "name") ?? "");

    private static long ParseResourceVersion(string text)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long rv)
            ? rv
            : throw StatusErrors.BadRequest($"invalid resource version: {text}");

    private static StatusException ListOptionsInvalid(params FieldCause[] causes)
        => StatusErrors.Invalid("meta.k8s.io", "ListOptions", "", causes);

    /// <summary>Writes a list without copying the (immutable, shared) stored objects.</summary>
    private static async Task WriteListAsync(HttpContext context, ApiResource resource, JsonObject metadata, IEnumerable<JsonObject> items)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", resource.ListKind);
            writer.WriteString("apiVersion", resource.GroupVersion);
            writer.WritePropertyName("metadata");
            metadata.WriteTo(writer);
            writer.WritePropertyName("items");
            writer.WriteStartArray();
            foreach (JsonObject item in items)
            {
                item.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await WriteBytesAsync(context, 200, "application/json", stream.ToArray());
    }
}
