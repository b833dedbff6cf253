using System.Text.Json;

namespace KubeGen.Runtime;

/// <summary>
/// A Kubernetes <c>metav1.Status</c>: the body of API errors and of some successful deletes.
/// </summary>
public sealed class KubeStatus
{
    /// <summary><c>Success</c> or <c>Failure</c>.</summary>
    public string? Status { get; init; }

    /// <summary>A human-readable description of the status.</summary>
    public string? Message { get; init; }

    /// <summary>A machine-readable reason, for example <c>NotFound</c> or <c>AlreadyExists</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>The suggested HTTP status code; 0 if not set.</summary>
    public int Code { get; init; }

    /// <summary>Extended data associated with the reason.</summary>
    public KubeStatusDetails? Details { get; init; }

    /// <summary>
    /// Parses a <c>metav1.Status</c> JSON object; unknown fields are ignored.
    /// </summary>
    /// <returns>
    /// The status, or null when <paramref name="json"/> is not valid JSON, not an object, has a
    /// <c>kind</c> other than <c>Status</c>, or has neither <c>kind: Status</c> nor a string
    /// <c>status</c> or numeric <c>code</c> field.
    /// </returns>
    public static KubeStatus? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            KubeStatus? status = ReadStatus(ref reader);
            if (status is null || reader.Read())
            {
                return null;
            }

            return status;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static KubeStatus? ReadStatus(ref Utf8JsonReader reader)
    {
        string? kind = null, statusText = null, message = null, reason = null;
        int code = 0;
        bool hasCode = false;
        KubeStatusDetails? details = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("kind"u8))
            {
                kind = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                statusText = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                message = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("reason"u8))
            {
                reason = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("code"u8))
            {
                if (ReadInt(ref reader) is { } c)
                {
                    code = c;
                    hasCode = true;
                }
            }
            else if (reader.ValueTextEquals("details"u8))
            {
                reader.Read();
                details = reader.TokenType == JsonTokenType.StartObject ? ReadDetails(ref reader) : SkipValue(ref reader, (KubeStatusDetails?)null);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        bool isStatus = kind is null
            ? statusText is not null || hasCode
            : string.Equals(kind, "Status", StringComparison.Ordinal);
        if (!isStatus)
        {
            return null;
        }

        return new KubeStatus
        {
            Status = statusText,
            Message = message,
            Reason = reason,
            Code = code,
            Details = details,
        };
    }

    private static KubeStatusDetails ReadDetails(ref Utf8JsonReader reader)
    {
        string? name = null, group = null, kind = null, uid = null;
        int? retryAfter = null;
        List<KubeStatusCause>? causes = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("group"u8))
            {
                group = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                kind = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("uid"u8))
            {
                uid = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("retryAfterSeconds"u8))
            {
                retryAfter = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("causes"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    causes = new List<KubeStatusCause>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            causes.Add(ReadCause(ref reader));
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new KubeStatusDetails
        {
            Name = name,
            Group = group,
            Kind = kind,
            Uid = uid,
            RetryAfterSeconds = retryAfter,
            Causes = causes is null ? Array.Empty<KubeStatusCause>() : causes.ToArray(),
        };
    }

    private static KubeStatusCause ReadCause(ref Utf8JsonReader reader)
    {
        string? reason = null, message = null, field = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("reason"u8))
            {
                reason = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                message = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("field"u8))
            {
                field = ReadString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new KubeStatusCause { Reason = reason, Message = message, Field = field };
    }

    // Reads the value after a property name; a value of another type is skipped and yields null.
    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String ? reader.GetString() : SkipValue(ref reader, (string?)null);
    }

    private static int? ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int value))
        {
            return value;
        }

        return SkipValue(ref reader, (int?)null);
    }

    private static TResult SkipValue<TResult>(ref Utf8JsonReader reader, TResult result)
    {
        reader.Skip();
        return result;
    }
}

/// <summary>Extended data of a <see cref="KubeStatus"/> (<c>metav1.StatusDetails</c>).</summary>
public sealed class KubeStatusDetails
{
    /// <summary>The name of the object the status is about, if any.</summary>
    public string? Name { get; init; }

    /// <summary>The API group of the object.</summary>
    public string? Group { get; init; }

    /// <summary>The kind of the object.</summary>
    public string? Kind { get; init; }

    /// <summary>The UID of the object.</summary>
    public string? Uid { get; init; }

    /// <summary>How long the client should wait before retrying, when the server says so.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>The individual causes of the error; empty when none were given.</summary>
    public IReadOnlyList<KubeStatusCause> Causes { get; init; } = Array.Empty<KubeStatusCause>();
}

/// <summary>One cause of a <see cref="KubeStatus"/> error (<c>metav1.StatusCause</c>).</summary>
public sealed class KubeStatusCause
{
    /// <summary>A machine-readable cause, for example <c>FieldValueRequired</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable description of the cause.</summary>
    public string? Message { get; init; }

    /// <summary>The field the cause is about, for example <c>metadata.name</c>.</summary>
    public string? Field { get; init; }
}
