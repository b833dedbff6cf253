using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Serialization;

/// <summary>Reads JSON numbers whatever CLR type the node was built from.</summary>
internal static class JsonNodes
{
    public static bool TryGetInt64(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (v.TryGetValue(out long l))
        {
            value = l;
            return true;
        }

        if (v.TryGetValue(out int i))
        {
            value = i;
            return true;
        }

        return long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
