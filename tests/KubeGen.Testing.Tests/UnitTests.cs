using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Serialization;

namespace KubeGen.Testing.Tests;

public sealed class UnitTests
{
    [Fact]
    public void Yaml_to_json_keeps_scalar_types_like_sigs_k8s_io_yaml()
    {
        JsonNode node = YamlJson.ParseSingle("""
            int: 42
            negative: -7
            float: 1.5
            exp: 1e3
            hex: 0x1F
            bool: true
            yes11: yes
            off11: off
            nothing: null
            tilde: ~
            empty:
            quoted: "42"
            single: 'true'
            str: hello
            block: |
              line
            tagged: !!str 123
            list: [1, "2", three]
            version: 1.10
            """)!;
        Assert.Equal("""{"int":42,"negative":-7,"float":1.5,"exp":1000,"hex":31,"bool":true,"yes11":true,"off11":false,"nothing":null,"tilde":null,"empty":null,"quoted":"42","single":"true","str":"hello","block":"line\n","tagged":"123","list":[1,"2","three"],"version":1.1}""", node.ToJsonString());
    }

    [Fact]
    public void Yaml_documents_and_errors()
    {
        Assert.Equal(2, YamlJson.ParseDocuments("a: 1\n---\nb: 2\n---\n").Count);
        FormatException e = Assert.Throws<FormatException>(() => YamlJson.ParseDocuments("a: [1, 2"));
        Assert.Contains("line", e.Message, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, YamlJson.ParseSingle("""{"json": "is yaml", "n": 1}""")!.GetValueKind());
    }
}
