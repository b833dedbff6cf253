using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KubeGen.Runtime.Admission;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KubeGen.Webhooks.Serving;

/// <summary>
/// The POST endpoint of one webhook. Whatever arrives, the answer is a well-formed AdmissionReview
/// or a 4xx with a plain message: a body over the size cap is 413, one that is not an
/// <c>admission.k8s.io/v1</c> AdmissionReview with a request and a uid is 400; a request for another
/// kind, an object that does not read as the handler's type, a handler that throws or runs out of
/// time are denials (or, for a timeout under <see cref="FailurePolicy.Ignore"/>, an allow with a
/// warning) naming the webhook. Objects are never logged: they can hold Secrets.
/// </summary>
internal sealed partial class AdmissionEndpoint(WebhookHandler handler, long maxBodyBytes, ILogger logger)
{
    private WebhookRegistration Webhook => handler.Registration;

    public async Task HandleAsync(HttpContext http)
    {
        long started = Stopwatch.GetTimestamp();
        byte[]? body = await ReadBodyAsync(http.Request, maxBodyBytes, http.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            LogRejected(logger, Webhook.Name, 413, "body too large");
            await WriteTextAsync(http, StatusCodes.Status413PayloadTooLarge, $"webhook \"{Webhook.Name}\": the AdmissionReview is larger than {maxBodyBytes} bytes").ConfigureAwait(false);
            return;
        }

        AdmissionRequest? request = Parse(body, out string? problem);
        if (request is null)
        {
            LogRejected(logger, Webhook.Name, 400, problem!);
            await WriteTextAsync(http, StatusCodes.Status400BadRequest, $"webhook \"{Webhook.Name}\": {problem}").ConfigureAwait(false);
            return;
        }

        TimeSpan deadline = Webhook.Deadline(GoDuration.TryParse(http.Request.Query["timeout"]));
        AdmissionResponse response = await DecideAsync(request, deadline, http.RequestAborted).ConfigureAwait(false);
        response.Uid = request.Uid;
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(new AdmissionReview { Response = response }, AdmissionReview.JsonTypeInfo);
        LogDecided(logger, Webhook.Name, request.Uid, request.Operation, request.Kind?.Kind, request.Namespace, request.Name, response.Allowed, response.Status?.Code ?? 200, response.Patch is not null, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = json.Length;
        await http.Response.Body.WriteAsync(json, http.RequestAborted).ConfigureAwait(false);
    }

    private async Task<AdmissionResponse> DecideAsync(AdmissionRequest request, TimeSpan deadline, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(deadline);

        // On the thread pool, so that a handler that blocks before its first await cannot hold the answer past the deadline.
        Task<AdmissionResponse> work = Task.Run(() => handler.DecideAsync(request, timeout.Token), CancellationToken.None);
        try
        {
            return await work.WaitAsync(deadline, aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && timeout.IsCancellationRequested && !aborted.IsCancellationRequested))
        {
            // The handler is told its time is up (it may still be running), and its failure, if any, observed.
            await timeout.CancelAsync().ConfigureAwait(false);
            _ = work.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            LogTimedOut(logger, Webhook.Name, request.Uid, deadline.TotalSeconds);
            string message = $"webhook \"{Webhook.Name}\" did not decide within {deadline.TotalSeconds:0.###} s (the API server waits {Webhook.TimeoutSeconds} s)";
            return Webhook.FailurePolicy == FailurePolicy.Ignore
                ? new AdmissionResponse { Allowed = true, Warnings = [message + "; allowed by failurePolicy Ignore"] }
                : Denial(504, "Timeout", message);
        }
        catch (AdmissionInputException e)
        {
            LogRejected(logger, Webhook.Name, 400, e.Message);
            return Denial(400, "BadRequest", e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            LogHandlerFailed(logger, e, Webhook.Name, request.Uid);
            return Denial(500, "InternalError", $"webhook \"{Webhook.Name}\" failed: {e.GetType().Name}: {Truncate(e.Message, 512)}");
        }
    }

    private static AdmissionResponse Denial(int code, string reason, string message)
        => new() { Allowed = false, Status = new AdmissionStatus { Status = "Failure", Code = code, Reason = reason, Message = message } };

    /// <summary>The request of an <c>admission.k8s.io/v1</c> AdmissionReview, or null with what is wrong.</summary>
    internal static AdmissionRequest? Parse(byte[] body, out string? problem)
    {
        AdmissionReview? review;
        try
        {
            review = JsonSerializer.Deserialize(body, AdmissionReview.JsonTypeInfo);
        }
        catch (JsonException e)
        {
            problem = "the body is not an AdmissionReview: " + Truncate(e.Message, 200);
            return null;
        }

        problem = review switch
        {
            null => "the body is not an AdmissionReview: null",
            { ApiVersion: not AdmissionReview.V1 } => $"only {AdmissionReview.V1} AdmissionReviews are served (admissionReviewVersions: [v1]), not \"{Truncate(review.ApiVersion ?? "", 64)}\"",
            { Kind: not AdmissionReview.ReviewKind } => $"expected kind AdmissionReview, not \"{Truncate(review.Kind ?? "", 64)}\"",
            { Request: null } => "the AdmissionReview has no request",
            { Request.Uid: null or "" } => "the AdmissionReview's request has no uid",
            _ => null,
        };
        return problem is null ? review!.Request : null;
    }

    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes (by its Content-Length or as read).</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is long length ? (int)length : 16 * 1024);
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Task WriteTextAsync(HttpContext http, int code, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        http.Response.StatusCode = code;
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.ContentLength = bytes.Length;
        return http.Response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "webhook {Webhook} {Uid}: {Operation} {Kind} {Namespace}/{Name} allowed={Allowed} code={Code} patched={Patched} in {Milliseconds:0.0} ms")]
    private static partial void LogDecided(ILogger logger, string webhook, string? uid, string? operation, string? kind, string? @namespace, string? name, bool allowed, int code, bool patched, double milliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "webhook {Webhook}: request rejected with {Code}: {Problem}")]
    private static partial void LogRejected(ILogger logger, string webhook, int code, string problem);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "webhook {Webhook} {Uid}: the handler did not decide within {Seconds} s")]
    private static partial void LogTimedOut(ILogger logger, string webhook, string? uid, double seconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "webhook {Webhook} {Uid}: the handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string webhook, string? uid);
}
