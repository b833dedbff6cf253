using System.Text.Json.Nodes;
using KubeGen.Testing.Patching;
using KubeGen.Webhooks.Patching;

namespace KubeGen.Webhooks.Tests;

/// <summary>
/// The diff behind mutating webhooks: exact operations for the common edits, RFC 6901 escaping, and
/// (property-style, over seeded random edits of nested documents) that applying the patch to the
/// original with an independent RFC 6902 implementation (the emulator's) gives the edited document.
/// </summary>
public sealed class JsonPatchDiffTests
{
    [Fact]
    public void Equal_documents_give_no_operations()
    {
        JsonNode doc = JsonNode.Parse("""{"a":{"b":[1,2,{"c":null}]},"d":"x"}""")!;
        Assert.Empty(JsonPatchDiff.Create(doc, doc.DeepClone()));
        Assert.Null(JsonPatchDiff.CreateUtf8(doc, doc.DeepClone()));
    }

    [Fact]
    public void Object_members_are_added_removed_and_replaced()
    {
        JsonArray patch = JsonPatchDiff.Create(
            JsonNode.Parse("""{"keep":1,"change":"a","drop":true,"nested":{"x":1}}"""),
            JsonNode.Parse("""{"keep":1,"change":"b","nested":{"x":1,"y":[2]},"new":{"z":null}}"""));
        Assert.Equal(
            """[{"op":"replace","path":"/change","value":"b"},{"op":"remove","path":"/drop"},{"op":"add","path":"/nested/y","value":[2]},{"op":"add","path":"/new","value":{"z":null}}]""",
            patch.ToJsonString());
    }

    [Fact]
    public void Label_keys_with_slash_and_tilde_are_escaped()
    {
        JsonArray patch = JsonPatchDiff.Create(
            JsonNode.Parse("""{"metadata":{"labels":{"a~b":"1"}}}"""),
            JsonNode.Parse("""{"metadata":{"labels":{"app.kubernetes.io/name":"web","a~b":"2","~/":"3"}}}"""));
        Assert.Equal(
            """[{"op":"replace","path":"/metadata/labels/a~0b","value":"2"},{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"},{"op":"add","path":"/metadata/labels/~0~1","value":"3"}]""",
            patch.ToJsonString());
        Assert.Equal("~01~1", JsonPatchDiff.Escape("~1/"));
    }

    [Fact]
    public void Inserting_a_list_entry_first_is_one_add_and_removing_one_is_one_remove()
    {
        JsonNode before = JsonNode.Parse("""{"containers":[{"name":"a"},{"name":"b"}]}""")!;
        JsonNode after = JsonNode.Parse("""{"containers":[{"name":"sidecar"},{"name":"a"},{"name":"b"}]}""")!;
        Assert.Equal("""[{"op":"add","path":"/containers/0","value":{"name":"sidecar"}}]""", JsonPatchDiff.Create(before, after).ToJsonString());
        Assert.Equal("""[{"op":"remove","path":"/containers/0"}]""", JsonPatchDiff.Create(after, before).ToJsonString());
    }

    [Fact]
    public void An_edit_inside_a_list_entry_patches_that_entry_only()
    {
        JsonArray patch = JsonPatchDiff.Create(
            JsonNode.Parse("""{"c":[{"name":"a","image":"x:1"},{"name":"b","image":"y:1"}]}"""),
            JsonNode.Parse("""{"c":[{"name":"a","image":"x:1"},{"name":"b","image":"y:2","resources":{}}]}"""));
        Assert.Equal("""[{"op":"replace","path":"/c/1/image","value":"y:2"},{"op":"add","path":"/c/1/resources","value":{}}]""", patch.ToJsonString());
    }

    [Fact]
    public void A_changed_type_is_a_replace_and_a_changed_root_replaces_the_document()
    {
        Assert.Equal("""[{"op":"replace","path":"/a","value":[1]}]""", JsonPatchDiff.Create(JsonNode.Parse("""{"a":{"b":1}}"""), JsonNode.Parse("""{"a":[1]}""")).ToJsonString());
        Assert.Equal("""[{"op":"replace","path":"","value":[1]}]""", JsonPatchDiff.Create(JsonNode.Parse("""{"a":1}"""), JsonNode.Parse("[1]")).ToJsonString());
    }

    [Theory]
    [InlineData("[1,2,3]", "[1,3]")]
    [InlineData("[1,2,3]", "[]")]
    [InlineData("[]", "[1,2]")]
    [InlineData("[1,2,3,4]", "[1,9,9,9,9,4]")]
    [InlineData("[1,1,1]", "[1,1]")]
    [InlineData("[1,2,1,2]", "[2,1,2,1]")]
    [InlineData("[{\"a\":1},2]", "[2,{\"a\":1}]")]
    public void Array_edits_apply_back(string before, string after)
        => AssertApplies(JsonNode.Parse($$"""{"l":{{before}}}"""), JsonNode.Parse($$"""{"l":{{after}}}"""));

    [Fact]
    public void Random_edits_of_nested_documents_apply_back()
    {
        var random = new Random(20261207);
        for (int i = 0; i < 500; i++)
        {
            JsonNode before = RandomValue(random, depth: 0, forceContainer: true);
            JsonNode after = before.DeepClone();
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits; e++)
            {
                after = Edit(random, after);
            }

            AssertApplies(before, after);
        }
    }

    private static void AssertApplies(JsonNode? before, JsonNode? after)
    {
        JsonArray patch = JsonPatchDiff.Create(before, after);
        JsonNode? applied;
        try
        {
            applied = JsonPatch.Apply(before, JsonNode.Parse(patch.ToJsonString()));
        }
        catch (PatchException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}: patch {patch.ToJsonString()}\nfrom {before?.ToJsonString()}\nto   {after?.ToJsonString()}");
        }

        Assert.True(JsonNode.DeepEquals(after, applied), $"patch {patch.ToJsonString()}\nfrom {before?.ToJsonString()}\nto   {after?.ToJsonString()}\ngave {applied?.ToJsonString()}");
    }

    private static readonly string[] Keys = ["a", "b", "app.kubernetes.io/name", "x~y", "~1", "/", "spec", "list"];

    private static JsonNode RandomValue(Random random, int depth, bool forceContainer = false)
    {
        int choice = forceContainer ? 0 : random.Next(depth > 3 ? 2 : 0, 7);
        switch (choice)
        {
            case 0 or 2:
                var obj = new JsonObject();
                for (int i = random.Next(0, 4); i > 0; i--)
                {
                    obj[Keys[random.Next(Keys.Length)]] = RandomValue(random, depth + 1);
                }

                return obj.Count == 0 && depth > 3 ? JsonValue.Create(random.Next(3)) : obj;
            case 1 or 3:
                var array = new JsonArray();
                for (int i = random.Next(0, 5); i > 0; i--)
                {
                    array.Add(RandomValue(random, depth + 1));
                }

                return array;
            case 4:
                return JsonValue.Create(random.Next(3));
            case 5:
                return JsonValue.Create(Keys[random.Next(Keys.Length)]);
            default:
                return JsonValue.Create(random.Next(2) == 0);
        }
    }

    /// <summary>One random edit somewhere in the document: set, remove, insert into or remove from a list.</summary>
    private static JsonNode Edit(Random random, JsonNode root)
    {
        var containers = new List<JsonNode> { root };
        Collect(root, containers);
        JsonNode target = containers[random.Next(containers.Count)];
        switch (target)
        {
            case JsonObject obj:
                string key = Keys[random.Next(Keys.Length)];
                if (obj.ContainsKey(key) && random.Next(2) == 0)
                {
                    obj.Remove(key);
                }
                else
                {
                    obj[key] = RandomValue(random, 3);
                }

                break;
            case JsonArray array:
                int action = random.Next(3);
                if (action == 0 || array.Count == 0)
                {
                    array.Insert(random.Next(array.Count + 1), RandomValue(random, 3));
                }
                else if (action == 1)
                {
                    array.RemoveAt(random.Next(array.Count));
                }
                else
                {
                    array[random.Next(array.Count)] = RandomValue(random, 3);
                }

                break;
        }

        return root;
    }

    private static void Collect(JsonNode? node, List<JsonNode> containers)
    {
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array,
            _ => [],
        };
        foreach (JsonNode? child in children)
        {
            if (child is JsonObject or JsonArray)
            {
                containers.Add(child);
                Collect(child, containers);
            }
        }
    }
}
