using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;

namespace KubeGen.Runtime;

/// <summary>Turns failed responses into <see cref="KubeApiException"/> and malformed ones into <see cref="KubeResponseException"/>.</summary>
internal static class ResponseErrors
{
    /// <summary>How much of an error body is read; the rest is discarded with the connection.</summary>
    public const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>How much of a body that is not a Status is kept for messages.</summary>
    public const int MaxSnippetBytes = 1024;

    /// <summary>How much of the snippet goes into an exception message.</summary>
    private const int MaxSnippetCharsInMessage = 256;

    public static async Task<KubeApiException> CreateApiExceptionAsync(
        HttpResponseMessage response, string method, string pathAndQuery, Func<string, string> redact, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxErrorBodyBytes);
        try
        {
            int length = 0;
            try
            {
                using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                int read;
                while (length < MaxErrorBodyBytes
                    && (read = await stream.ReadAsync(buffer.AsMemory(length, MaxErrorBodyBytes - length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }
            }
            catch (HttpRequestException)
            {
                // The body broke off; report what arrived.
            }
            catch (IOException)
            {
                // Same.
            }

            return Create(response.StatusCode, response.ReasonPhrase, method, pathAndQuery, buffer.AsSpan(0, length), redact);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static KubeApiException Create(
        HttpStatusCode statusCode, string? reasonPhrase, string method, string pathAndQuery, ReadOnlySpan<byte> body, Func<string, string> redact)
    {
        int code = (int)statusCode;
        KubeStatus? parsed = KubeStatus.TryParse(body);
        if (parsed is not null)
        {
            KubeStatus status = FromServer(parsed, code, KubeStatusReasons.ForHttpStatus(code, method), redact);
            return new KubeApiException(status, statusCode) { RequiredPermission = RbacPermission.FromRequest(method, pathAndQuery) };
        }

        string? snippet = body.IsEmpty ? null : redact(Snippet(body));
        string phrase = KubeStatusReasons.PhraseFor(statusCode, reasonPhrase);
        string message = string.IsNullOrWhiteSpace(snippet)
            ? $"{method} {pathAndQuery}: {code.ToString(CultureInfo.InvariantCulture)} {phrase}"
            : $"{method} {pathAndQuery}: {code.ToString(CultureInfo.InvariantCulture)} {phrase}: {ForMessage(snippet)}";
        var synthesized = new KubeStatus
        {
            Status = "Failure",
            Message = message,
            Reason = KubeStatusReasons.ForHttpStatus(code, method),
            Code = code,
        };
        return new KubeApiException(synthesized, statusCode, snippet) { RequiredPermission = RbacPermission.FromRequest(method, pathAndQuery) };
    }

    /// <summary>The exception for the <c>ERROR</c> event of a watch stream: its Status (a code of 0 means 500), redacted like a response's.</summary>
    public static KubeApiException CreateWatchErrorException(ReadOnlySpan<byte> objectJson, Func<string, string> redact)
    {
        KubeStatus? parsed = KubeStatus.TryParse(objectJson);
        KubeStatus status = parsed is null
            ? new KubeStatus
            {
                Status = "Failure",
                Message = "The watch stream reported an ERROR event whose object is not a Status.",
                Reason = KubeStatusReasons.InternalError,
                Code = 500,
            }
            : FromServer(parsed, (int)HttpStatusCode.InternalServerError, defaultReason: null, redact);
        return new KubeApiException(status, (HttpStatusCode)status.Code);
    }

    public static KubeResponseException CreateResponseException(
        HttpStatusCode statusCode, string method, string pathAndQuery, string typeName, ReadOnlySpan<byte> bodyStart, Func<string, string> redact, Exception inner)
    {
        string? snippet = bodyStart.IsEmpty ? null : redact(Snippet(bodyStart));
        string problem = inner.Message;
        string message = string.IsNullOrWhiteSpace(snippet)
            ? $"{method} {pathAndQuery}: the {((int)statusCode).ToString(CultureInfo.InvariantCulture)} response is not a valid {typeName}: {problem}"
            : $"{method} {pathAndQuery}: the {((int)statusCode).ToString(CultureInfo.InvariantCulture)} response is not a valid {typeName}: {problem} Body starts with: {ForMessage(snippet)}";
        return new KubeResponseException(statusCode, method, pathAndQuery, snippet, message, inner);
    }

    /// <summary>
    /// A Status the server sent, with defaults for what it left out and every text in it redacted: message, reason,
    /// details and each cause. A server (or something in front of it) may echo the request's token anywhere in there.
    /// </summary>
    private static KubeStatus FromServer(KubeStatus parsed, int defaultCode, string? defaultReason, Func<string, string> redact)
    {
        string? Redact(string? text) => text is null ? null : redact(text);

        KubeStatusDetails? details = parsed.Details is not { } given ? null : new KubeStatusDetails
        {
            Name = Redact(given.Name),
            Group = Redact(given.Group),
            Kind = Redact(given.Kind),
            Uid = Redact(given.Uid),
            RetryAfterSeconds = given.RetryAfterSeconds,
            Causes = given.Causes.Select(cause => new KubeStatusCause
            {
                Reason = Redact(cause.Reason),
                Message = Redact(cause.Message),
                Field = Redact(cause.Field),
            }).ToArray(),
        };
        return new KubeStatus
        {
            Status = Redact(parsed.Status) ?? "Failure",
            Message = Redact(parsed.Message),
            Reason = string.IsNullOrEmpty(parsed.Reason) ? defaultReason : redact(parsed.Reason),
            Code = parsed.Code != 0 ? parsed.Code : defaultCode,
            Details = details,
        };
    }

    /// <summary>The first at most <see cref="MaxSnippetBytes"/> bytes as text, cut at a character boundary.</summary>
    public static string Snippet(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxSnippetBytes)
        {
            int end = MaxSnippetBytes;
            // Do not cut a UTF-8 sequence: back off over continuation bytes to the start of the sequence.
            while (end > 0 && (body[end] & 0xC0) == 0x80)
            {
                end--;
            }

            body = body[..end];
        }

        return Encoding.UTF8.GetString(body);
    }

    /// <summary>One line of at most <see cref="MaxSnippetCharsInMessage"/> characters for an exception message.</summary>
    private static string ForMessage(string snippet)
    {
        var builder = new StringBuilder(Math.Min(snippet.Length, MaxSnippetCharsInMessage + 3));
        bool pendingSpace = false;
        foreach (char c in snippet)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            if (builder.Length >= MaxSnippetCharsInMessage)
            {
                builder.Append("...");
                break;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
