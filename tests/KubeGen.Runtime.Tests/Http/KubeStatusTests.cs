using System.Net;
using System.Text;

namespace KubeGen.Runtime.Tests.Http;

public sealed class KubeStatusTests
{
    private static KubeStatus? Parse(string json) => KubeStatus.TryParse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parses_a_full_status_and_ignores_unknown_fields()
    {
        KubeStatus? status = Parse("""
            {"kind":"Status","apiVersion":"v1","metadata":{"resourceVersion":"5"},"status":"Failure",
             "message":"Pod \"web\" is invalid: spec.containers: Required value","reason":"Invalid",
             "details":{"name":"web","group":"","kind":"pods","uid":"u-1","retryAfterSeconds":3,"future":[1,{"x":2}],
               "causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers"},
                         {"reason":"FieldValueInvalid","message":"bad","field":"metadata.name","extra":true}]},
             "code":422,"somethingNew":{"deep":[[{}]]}}
            """);

        Assert.NotNull(status);
        Assert.Equal("Failure", status.Status);
        Assert.Equal("Pod \"web\" is invalid: spec.containers: Required value", status.Message);
        Assert.Equal("Invalid", status.Reason);
        Assert.Equal(422, status.Code);
        Assert.NotNull(status.Details);
        Assert.Equal("web", status.Details.Name);
        Assert.Equal("", status.Details.Group);
        Assert.Equal("pods", status.Details.Kind);
        Assert.Equal("u-1", status.Details.Uid);
        Assert.Equal(3, status.Details.RetryAfterSeconds);
        Assert.Equal(2, status.Details.Causes.Count);
        Assert.Equal("FieldValueRequired", status.Details.Causes[0].Reason);
        Assert.Equal("Required value", status.Details.Causes[0].Message);
        Assert.Equal("spec.containers", status.Details.Causes[0].Field);
        Assert.Equal("metadata.name", status.Details.Causes[1].Field);
    }

    [Fact]
    public void A_status_without_kind_but_with_code_is_a_status()
    {
        KubeStatus? status = Parse("""{"code":404,"message":"not here"}""");

        Assert.NotNull(status);
        Assert.Equal(404, status.Code);
        Assert.Equal("not here", status.Message);
        Assert.Null(status.Details);
    }

    [Fact]
    public void Fields_of_an_unexpected_type_are_skipped()
    {
        KubeStatus? status = Parse("""{"kind":"Status","code":"404","message":7,"reason":"NotFound","details":[1]}""");

        Assert.NotNull(status);
        Assert.Equal(0, status.Code);
        Assert.Null(status.Message);
        Assert.Equal("NotFound", status.Reason);
        Assert.Null(status.Details);
    }

    [Theory]
    [InlineData("""{"kind":"Pod","status":{"phase":"Running"}}""")]
    [InlineData("""{"kind":"Pod","code":404}""")]
    [InlineData("""{"message":"no status or code"}""")]
    [InlineData("""{"status":{"phase":"Running"}}""")]
    [InlineData("""[{"kind":"Status"}]""")]
    [InlineData("\"Status\"")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("""{"kind":"Status","code":404""")]
    [InlineData("""{"kind":"Status"} trailing""")]
    [InlineData("")]
    public void Returns_null_for_anything_that_is_not_a_status(string json)
    {
        Assert.Null(Parse(json));
    }

    [Fact]
    public void Exception_message_and_predicates_follow_the_status()
    {
        var notFound = new KubeApiException(new KubeStatus { Status = "Failure", Message = "pods \"web\" not found", Reason = "NotFound", Code = 404 }, HttpStatusCode.NotFound);

        Assert.Equal("pods \"web\" not found (404 NotFound)", notFound.Message);
        Assert.True(notFound.IsNotFound);
        Assert.False(notFound.IsConflict);
        Assert.False(notFound.IsGone);
        Assert.Null(notFound.ResponseBodySnippet);
    }

    [Theory]
    [InlineData(409, "AlreadyExists", "AlreadyExists")]
    [InlineData(409, "Conflict", "Conflict")]
    [InlineData(409, null, "Conflict")]
    [InlineData(403, "Forbidden", "Forbidden")]
    [InlineData(401, "Unauthorized", "Unauthorized")]
    [InlineData(410, "Expired", "Gone")]
    [InlineData(410, "Gone", "Gone")]
    [InlineData(422, "Invalid", "Invalid")]
    [InlineData(429, "TooManyRequests", "TooManyRequests")]
    [InlineData(404, null, "NotFound")]
    [InlineData(500, "InternalError", "")]
    public void Exactly_one_predicate_matches(int code, string? reason, string expected)
    {
        var error = new KubeApiException(new KubeStatus { Reason = reason, Code = code, Message = "m" });

        var matches = new List<string>();
        if (error.IsNotFound) matches.Add("NotFound");
        if (error.IsConflict) matches.Add("Conflict");
        if (error.IsAlreadyExists) matches.Add("AlreadyExists");
        if (error.IsForbidden) matches.Add("Forbidden");
        if (error.IsUnauthorized) matches.Add("Unauthorized");
        if (error.IsGone) matches.Add("Gone");
        if (error.IsInvalid) matches.Add("Invalid");
        if (error.IsTooManyRequests) matches.Add("TooManyRequests");

        Assert.Equal(expected, string.Join(",", matches));
        Assert.Equal((HttpStatusCode)code, error.StatusCode);
    }

    [Fact]
    public void Message_uses_the_http_mapping_when_the_status_has_no_reason()
    {
        var error = new KubeApiException(new KubeStatus { Message = "slow down", Code = 429 });

        Assert.Equal("slow down (429 TooManyRequests)", error.Message);
    }
}
