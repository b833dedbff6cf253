using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace KubeGen.Runtime.Tests.Serialization;

/// <summary>
/// The generated readers share repeated values (<see cref="Utf8StringCache"/>, <see cref="RawJsonCache"/>,
/// quantities): what they return must still be exactly what the JSON says, for every input.
/// </summary>
public sealed class SharedValueReadingTests
{
    [Fact]
    public void Equal_strings_come_back_as_one_instance_and_different_ones_as_themselves()
    {
        string[] values = ReadStrings("""["Running","app.kubernetes.io/name","Running","app.kubernetes.io/name","Pending"]""");

        Assert.Equal(["Running", "app.kubernetes.io/name", "Running", "app.kubernetes.io/name", "Pending"], values);
        Assert.Same(values[0], values[2]);
        Assert.Same(values[1], values[3]);
    }

    [Theory]
    [InlineData("""["caf\u00e9","café","cafe"]""", new[] { "café", "café", "cafe" })]
    [InlineData("""["\u00e9t\u00e9","été","ét"]""", new[] { "été", "été", "ét" })]
    [InlineData("""["a\"b","a\"b","a\\b",""]""", new[] { "a\"b", "a\"b", "a\\b", "" })]
    [InlineData("""["日本","日本","日木"]""", new[] { "日本", "日本", "日木" })]
    public void Escaped_and_non_ASCII_strings_read_exactly(string json, string[] expected)
    {
        Assert.Equal(expected, ReadStrings(json));
    }

    [Fact]
    public void Strings_that_share_a_slot_never_come_back_as_each_other()
    {
        // 20,000 distinct short strings through a 4,096-slot table: every slot is reused many times.
        string[] expected = Enumerable.Range(0, 20_000).Select(i => "v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string json = "[" + string.Join(',', expected.Select(v => "\"" + v + "\"")) + "," + string.Join(',', expected.Select(v => "\"" + v + "\"")) + "]";

        string[] values = ReadStrings(json);

        Assert.Equal(expected.Concat(expected), values);
    }

    [Fact]
    public void Long_strings_are_read_without_the_table()
    {
        string longValue = new('x', 500);
        string[] values = ReadStrings($"[\"{longValue}\",\"{longValue}\"]");

        Assert.Equal([longValue, longValue], values);
        Assert.NotSame(values[0], values[1]);
    }

    [Fact]
    public void Equal_raw_objects_share_one_element_and_read_exactly()
    {
        const string FieldsV1 = """{"f:metadata":{"f:labels":{".":{},"f:app":{}},"f:ownerReferences":{"k:{\"uid\":\"5f0c\"}":{}}},"f:spec":{"f:replicas":3,"f:ratio":1.50e3,"f:on":true,"f:off":false,"f:none":null,"f:list":[1,"two",{"three":[]}],"f:name":"caf\u00e9"}}""";
        JsonElement[] elements = ReadRaw($"[{FieldsV1},{FieldsV1},{{\"other\":1}}]");

        Assert.Equal(3, elements.Length);
        using var expected = JsonDocument.Parse(FieldsV1);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, elements[0]), elements[0].GetRawText());
        Assert.Equal(FieldsV1, elements[0].GetRawText()); // escapes as sent
        Assert.Equal(1.50e3, elements[0].GetProperty("f:spec").GetProperty("f:ratio").GetDouble());
        Assert.Equal("1.50e3", elements[0].GetProperty("f:spec").GetProperty("f:ratio").GetRawText());
        Assert.Equal("café", elements[0].GetProperty("f:spec").GetProperty("f:name").GetString());
        Assert.True(JsonElement.DeepEquals(elements[0], elements[1]));
        Assert.True(SameMemory(elements[0], elements[1]), "Equal values were parsed twice instead of shared.");
        Assert.Equal("""{"other":1}""", elements[2].GetRawText());
    }

    [Fact]
    public void A_raw_value_leaves_the_reader_on_its_last_token()
    {
        var reader = new Utf8JsonReader("""{"raw": { "a" : [ 1 , {"b":2} ] } , "after":"x"}"""u8);
        reader.Read();
        reader.Read();
        reader.Read();

        JsonElement raw = KubeJsonReader.ReadRaw(ref reader)!.Value;
        reader.Read();

        Assert.Equal("""{"a":[1,{"b":2}]}""", raw.GetRawText());
        Assert.Equal(JsonTokenType.PropertyName, reader.TokenType);
        Assert.Equal("after", reader.GetString());
    }

    [Fact]
    public void Equal_quantity_texts_share_one_quantity_and_keep_their_value()
    {
        // What is guaranteed: every value reads exactly, and an equal text right after another is the
        // same quantity (its slot was just filled). Texts further apart share only when no text between
        // them took their slot; slots come from a content hash, so that is the same in every run.
        List<ResourceQuantity> quantities = ReadQuantities("""["250m","250m","512Mi","512Mi"," 1 ",1.5]"""u8);

        Assert.Equal(["250m", "250m", "512Mi", "512Mi", "1", "1500m"], quantities.Select(q => q.ToString()));
        Assert.Same(quantities[0], quantities[1]);
        Assert.Same(quantities[2], quantities[3]);
    }

    [Fact]
    public void Quantities_that_share_a_slot_never_come_back_as_each_other()
    {
        // 5,000 distinct quantities through a 64-slot table, twice: every slot is reused many times.
        // Odd milli-values are already canonical (no multiple of 1000 becomes a whole unit).
        string[] texts = Enumerable.Range(0, 5_000).Select(i => ((2 * i) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "m").ToArray();
        string json = "[" + string.Join(',', texts.Concat(texts).Select(t => "\"" + t + "\"")) + "]";

        List<ResourceQuantity> quantities = ReadQuantities(Encoding.UTF8.GetBytes(json));

        Assert.Equal(texts.Concat(texts), quantities.Select(q => q.ToString()));
    }

    private static List<ResourceQuantity> ReadQuantities(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var quantities = new List<ResourceQuantity>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            quantities.Add(ResourceQuantityJsonConverter.ReadValue(ref reader));
        }

        return quantities;
    }

    private static string[] ReadStrings(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(KubeJsonReader.ReadString(ref reader)!);
        }

        return [.. values];
    }

    private static JsonElement[] ReadRaw(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        var values = new List<JsonElement>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(KubeJsonReader.ReadRaw(ref reader)!.Value);
        }

        return [.. values];
    }

    /// <summary>Whether two elements are views of the same parsed bytes (one shared document).</summary>
    private static bool SameMemory(JsonElement a, JsonElement b)
    {
        ReadOnlySpan<byte> first = JsonMarshal.GetRawUtf8Value(a), second = JsonMarshal.GetRawUtf8Value(b);
        return first.Length == second.Length && Unsafe.AreSame(in first[0], in second[0]);
    }
}
