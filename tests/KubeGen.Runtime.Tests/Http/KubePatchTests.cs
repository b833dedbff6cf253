using System.Text;
using KubeGen.Runtime.Tests.Infrastructure;

namespace KubeGen.Runtime.Tests.Http;

public sealed class KubePatchTests
{
    [Fact]
    public void Each_patch_type_has_its_content_type()
    {
        Assert.Equal("application/json-patch+json", KubePatch.Json("""[{"op":"remove","path":"/metadata/labels/a"}]""").ContentType);
        Assert.Equal("application/merge-patch+json", KubePatch.Merge("""{"metadata":{"labels":{"a":null}}}""").ContentType);
        Assert.Equal("application/strategic-merge-patch+json", KubePatch.StrategicMerge("""{"spec":{"replicas":3}}""").ContentType);
        Assert.Equal("application/apply-patch+yaml", KubePatch.Apply("apiVersion: v1\nkind: ConfigMap\n").ContentType);

        Assert.Equal(KubePatchType.JsonPatch, KubePatch.Json("[]").Type);
        Assert.Equal(KubePatchType.MergePatch, KubePatch.Merge("{}").Type);
        Assert.Equal(KubePatchType.StrategicMergePatch, KubePatch.StrategicMerge("{}").Type);
        Assert.Equal(KubePatchType.ApplyPatch, KubePatch.Apply("{}").Type);
    }

    [Fact]
    public void Body_is_the_utf8_text()
    {
        KubePatch patch = KubePatch.Merge("""{"data":{"k":"ü"}}""");

        Assert.Equal("""{"data":{"k":"ü"}}""", Encoding.UTF8.GetString(patch.Body.Span));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("\"x\"")]
    [InlineData("[")]
    [InlineData("[] []")]
    [InlineData("")]
    public void Json_patch_must_be_a_json_array(string text)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => KubePatch.Json(text));

        Assert.Equal("jsonPatchArray", error.ParamName);
        Assert.Contains("JSON array", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"a\":")]
    [InlineData("not json")]
    public void Merge_patches_must_be_a_json_object(string text)
    {
        Assert.Equal("json", Assert.Throws<ArgumentException>(() => KubePatch.Merge(text)).ParamName);
        Assert.Equal("json", Assert.Throws<ArgumentException>(() => KubePatch.StrategicMerge(text)).ParamName);
    }

    [Fact]
    public void Apply_body_must_not_be_empty()
    {
        Assert.Equal("yamlOrJson", Assert.Throws<ArgumentException>(() => KubePatch.Apply("  ")).ParamName);
    }

    [Fact]
    public void Typed_patches_are_serialized_with_the_type_info()
    {
        var value = new TestObject { Kind = "ConfigMap", Value = "v" };

        KubePatch merge = KubePatch.Merge(value, TestJsonContext.Default.TestObject);
        KubePatch strategic = KubePatch.StrategicMerge(value, TestJsonContext.Default.TestObject);
        KubePatch apply = KubePatch.Apply(value, TestJsonContext.Default.TestObject);

        Assert.Equal("""{"kind":"ConfigMap","value":"v"}""", Encoding.UTF8.GetString(merge.Body.Span));
        Assert.Equal(KubePatchType.StrategicMergePatch, strategic.Type);
        Assert.Equal("application/apply-patch+yaml", apply.ContentType);
        Assert.Equal("""{"kind":"ConfigMap","value":"v"}""", Encoding.UTF8.GetString(apply.Body.Span));
    }

    [Fact]
    public void Typed_merge_patch_of_null_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => KubePatch.Merge<TestObject?>(null, TestJsonContext.Default.TestObject!));
    }

    [Fact]
    public async Task CreateContent_carries_the_content_type_and_body()
    {
        KubePatch patch = KubePatch.Json("""[{"op":"add","path":"/a","value":1}]""");

        using HttpContent content = patch.CreateContent();

        Assert.Equal("application/json-patch+json", content.Headers.ContentType?.MediaType);
        Assert.Equal("""[{"op":"add","path":"/a","value":1}]""", await content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Apply_requires_a_field_manager()
    {
        KubePatch apply = KubePatch.Apply("{}");

        ArgumentException error = Assert.Throws<ArgumentException>(() => apply.EnsureFieldManager(null));
        Assert.StartsWith("server-side apply requires fieldManager", error.Message, StringComparison.Ordinal);
        Assert.Equal("fieldManager", error.ParamName);
        Assert.Throws<ArgumentException>(() => apply.EnsureFieldManager(" "));

        apply.EnsureFieldManager("my-controller");
        KubePatch.Merge("{}").EnsureFieldManager(null);
        Assert.Equal(KubePatchType.ApplyPatch, apply.Type);
    }
}
