namespace KubeGen.Runtime.Tests.Http;

public sealed class KubeUrlBuilderTests
{
    [Fact]
    public void Literals_and_segments_make_the_path()
    {
        string url = new KubeUrlBuilder("/api/v1/namespaces/")
            .AppendSegment("kube-system", "namespace")
            .AppendLiteral("/pods/")
            .AppendSegment("web-0", "name")
            .AppendLiteral("/log")
            .ToString();

        Assert.Equal("/api/v1/namespaces/kube-system/pods/web-0/log", url);
    }

    [Theory]
    [InlineData("a b", "a%20b")]
    [InlineData("x:y", "x%3Ay")]
    [InlineData("q?x=1#f", "q%3Fx%3D1%23f")]
    [InlineData("a\\b", "a%5Cb")]
    [InlineData("grüße", "gr%C3%BC%C3%9Fe")]
    [InlineData("system:serviceaccount:ns:sa", "system%3Aserviceaccount%3Ans%3Asa")]
    [InlineData("...", "...")]
    [InlineData("a.b-c_d~e", "a.b-c_d~e")]
    public void Segments_are_escaped(string value, string expected)
    {
        Assert.Equal("/x/" + expected, new KubeUrlBuilder("/x/").AppendSegment(value, "name").ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("../secrets")]
    [InlineData("/")]
    [InlineData("%2e")]
    [InlineData("%2E%2E")]
    [InlineData("a%2Fb")]
    [InlineData("100%")]
    public void Unsafe_segments_are_rejected(string value)
    {
        var builder = new KubeUrlBuilder("/api/v1/namespaces/default/pods/");

        ArgumentException error = Assert.Throws<ArgumentException>(() => builder.AppendSegment(value, "name"));

        Assert.Equal("name", error.ParamName);
        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
        Assert.Equal("/api/v1/namespaces/default/pods/", builder.ToString());
    }

    [Fact]
    public void Rejection_messages_say_why()
    {
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new KubeUrlBuilder("/").AppendSegment("", "namespace")).Message, StringComparison.Ordinal);
        Assert.Contains("'..'", Assert.Throws<ArgumentException>(() => new KubeUrlBuilder("/").AppendSegment("..", "namespace")).Message, StringComparison.Ordinal);
        Assert.Contains("'/'", Assert.Throws<ArgumentException>(() => new KubeUrlBuilder("/").AppendSegment("../secrets", "namespace")).Message, StringComparison.Ordinal);
        Assert.Contains("'%'", Assert.Throws<ArgumentException>(() => new KubeUrlBuilder("/").AppendSegment("%2e", "namespace")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_segment_throws_ArgumentNullException_with_the_parameter_name()
    {
        ArgumentNullException error = Assert.Throws<ArgumentNullException>(() => new KubeUrlBuilder("/api/v1/namespaces/").AppendSegment(null, "namespace"));

        Assert.Equal("namespace", error.ParamName);
    }

    [Fact]
    public void No_query_means_no_question_mark()
    {
        string url = new KubeUrlBuilder("/api/v1/pods")
            .AddQuery("labelSelector", (string?)null)
            .AddQuery("watch", (bool?)null)
            .AddQuery("limit", (int?)null)
            .AddQuery("timeoutSeconds", (long?)null)
            .AddQuery("dryRun", (IEnumerable<string>?)null)
            .ToString();

        Assert.Equal("/api/v1/pods", url);
    }

    [Fact]
    public void Query_values_of_every_type_are_formatted_and_escaped()
    {
        string url = new KubeUrlBuilder("/api/v1/namespaces/")
            .AppendSegment("default", "namespace")
            .AppendLiteral("/pods")
            .AddQuery("labelSelector", "app=web,tier in (a,b)")
            .AddQuery("fieldSelector", "status.phase!=Running")
            .AddQuery("watch", true)
            .AddQuery("allowWatchBookmarks", false)
            .AddQuery("limit", 500)
            .AddQuery("resourceVersion", "12345")
            .AddQuery("timeoutSeconds", 3_000_000_000L)
            .AddQuery("continue", "eyJ2Ijoi+/=")
            .ToString();

        Assert.Equal(
            "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29&fieldSelector=status.phase%21%3DRunning"
            + "&watch=true&allowWatchBookmarks=false&limit=500&resourceVersion=12345&timeoutSeconds=3000000000&continue=eyJ2Ijoi%2B%2F%3D",
            url);
    }

    [Fact]
    public void Repeated_query_values_repeat_the_name()
    {
        string url = new KubeUrlBuilder("/api/v1/namespaces/default/configmaps")
            .AddQuery("dryRun", new[] { "All", "x y" })
            .AddQuery("fieldManager", "kubegen")
            .ToString();

        Assert.Equal("/api/v1/namespaces/default/configmaps?dryRun=All&dryRun=x%20y&fieldManager=kubegen", url);
    }

    [Fact]
    public void Empty_string_query_value_is_sent()
    {
        Assert.Equal("/apis?resourceVersion=", new KubeUrlBuilder("/apis").AddQuery("resourceVersion", "").ToString());
    }
}
