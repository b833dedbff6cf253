using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;

namespace KubeGen.Testing.Store;

/// <summary>A parsed label selector (<c>=</c>, <c>==</c>, <c>!=</c>, <c>in</c>, <c>notin</c>, exists, <c>!</c>exists, <c>gt</c>, <c>lt</c>).</summary>
internal sealed class LabelSelector
{
    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static readonly LabelSelector Everything = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    private enum Op
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
        GreaterThan,
        LessThan,
    }

    private sealed record Requirement(string Key, Op Op, IReadOnlyList<string> Values);

    public bool Matches(JsonObject? labels)
    {
        foreach (Requirement r in _requirements)
        {
            string? value = labels is not null && labels.TryGetPropertyValue(r.Key, out JsonNode? node) && node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
            bool has = value is not null;
            bool ok = r.Op switch
            {
                Op.Equals => has && value == r.Values[0],
                Op.NotEquals => !has || value != r.Values[0],
                Op.In => has && r.Values.Contains(value!),
                Op.NotIn => !has || !r.Values.Contains(value!),
                Op.Exists => has,
                Op.DoesNotExist => !has,
                Op.GreaterThan => has && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long g) && g > long.Parse(r.Values[0], CultureInfo.InvariantCulture),
                Op.LessThan => has && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) && l < long.Parse(r.Values[0], CultureInfo.InvariantCulture),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses the selector syntax of <c>labels.Parse</c>.</summary>
    /// <exception cref="StatusException">400 on a syntax error.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var lexer = new Lexer(text);
        var requirements = new List<Requirement>();
        while (true)
        {
            (Token t, string lit) = lexer.Next();
            bool negate = false;
            if (t == Token.Not)
            {
                negate = true;
                (t, lit) = lexer.Next();
            }

            if (t != Token.Identifier)
            {
                throw Error($"found '{lit}', expected: !, identifier, or 'end of string'");
            }

            string key = lit;
            ValidateKey(key);
            if (negate)
            {
                requirements.Add(new Requirement(key, Op.DoesNotExist, []));
                (t, lit) = lexer.Next();
            }
            else
            {
                (t, lit) = lexer.Next();
                switch (t)
                {
                    case Token.End or Token.Comma:
                        requirements.Add(new Requirement(key, Op.Exists, []));
                        break;
                    case Token.Equals or Token.DoubleEquals or Token.NotEquals or Token.Greater or Token.Less:
                        (Token vt, string value) = lexer.Next();
                        if (vt is Token.End or Token.Comma)
                        {
                            value = "";
                            lexer.Push(vt, value);
                        }
                        else if (vt != Token.Identifier)
                        {
                            throw Error($"found '{value}', expected: identifier");
                        }

                        Op op = t switch
                        {
                            Token.NotEquals => Op.NotEquals,
                            Token.Greater => Op.GreaterThan,
                            Token.Less => Op.LessThan,
                            _ => Op.Equals,
                        };
                        if (op is Op.GreaterThan or Op.LessThan && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                        {
                            throw Error($"for 'Gt', 'Lt' operators, the value must be an integer");
                        }

                        requirements.Add(new Requirement(key, op, [value]));
                        (t, lit) = lexer.Next();
                        break;
                    case Token.In or Token.NotIn:
                        Op setOp = t == Token.In ? Op.In : Op.NotIn;
                        (Token open, string openLit) = lexer.Next();
                        if (open != Token.OpenParen)
                        {
                            throw Error($"found '{openLit}', expected: '('");
                        }

                        var values = new List<string>();
                        while (true)
                        {
                            (Token st, string v) = lexer.Next();
                            if (st == Token.Identifier)
                            {
                                values.Add(v);
                                (st, v) = lexer.Next();
                            }
                            else if (st is Token.Comma or Token.CloseParen)
                            {
                                values.Add("");
                            }

                            if (st == Token.CloseParen)
                            {
                                break;
                            }

                            if (st != Token.Comma)
                            {
                                throw Error($"found '{v}', expected: ',', ')' or identifier");
                            }
                        }

                        requirements.Add(new Requirement(key, setOp, values));
                        (t, lit) = lexer.Next();
                        break;
                    default:
                        throw Error($"found '{lit}', expected: in, notin, =, ==, !=, gt, lt");
                }
            }

            if (t == Token.End)
            {
                break;
            }

            if (t != Token.Comma)
            {
                throw Error($"found '{lit}', expected: ',' or 'end of string'");
            }
        }

        return new LabelSelector(requirements);
    }

    private static void ValidateKey(string key)
    {
        if (key.Length == 0 || key.Length > 316)
        {
            throw Error($"invalid label key \"{key}\"");
        }
    }

    private static StatusException Error(string detail) => StatusErrors.BadRequest($"unable to parse requirement: {detail}");

    private enum Token
    {
        End,
        Identifier,
        Comma,
        OpenParen,
        CloseParen,
        Equals,
        DoubleEquals,
        NotEquals,
        Not,
        In,
        NotIn,
        Greater,
        Less,
    }

    private sealed class Lexer(string text)
    {
        private int _pos;
        private (Token, string)? _pushed;

        public void Push(Token t, string lit) => _pushed = (t, lit);

        public (Token, string) Next()
        {
            if (_pushed is { } p)
            {
                _pushed = null;
                return p;
            }

            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }

            if (_pos >= text.Length)
            {
                return (Token.End, "");
            }

            char c = text[_pos];
            switch (c)
            {
                case ',':
                    _pos++;
                    return (Token.Comma, ",");
                case '(':
                    _pos++;
                    return (Token.OpenParen, "(");
                case ')':
                    _pos++;
                    return (Token.CloseParen, ")");
                case '>':
                    _pos++;
                    return (Token.Greater, ">");
                case '<':
                    _pos++;
                    return (Token.Less, "<");
                case '=':
                    _pos++;
                    if (_pos < text.Length && text[_pos] == '=')
                    {
                        _pos++;
                        return (Token.DoubleEquals, "==");
                    }

                    return (Token.Equals, "=");
                case '!':
                    _pos++;
                    if (_pos < text.Length && text[_pos] == '=')
                    {
                        _pos++;
                        return (Token.NotEquals, "!=");
                    }

                    return (Token.Not, "!");
            }

            int start = _pos;
            while (_pos < text.Length && !char.IsWhiteSpace(text[_pos]) && text[_pos] is not (',' or '(' or ')' or '=' or '!' or '<' or '>'))
            {
                _pos++;
            }

            string word = text[start.._pos];
            return word switch
            {
                "in" => (Token.In, word),
                "notin" => (Token.NotIn, word),
                "gt" => (Token.Greater, word),
                "lt" => (Token.Less, word),
                _ => (Token.Identifier, word),
            };
        }
    }
}

/// <summary>A parsed field selector: <c>field=value</c>, <c>field==value</c>, <c>field!=value</c>, comma-separated.</summary>
internal sealed class FieldSelector
{
    /// <summary>
    /// The fields each built-in resource can be selected by besides <c>metadata.name</c> and
    /// <c>metadata.namespace</c>, and how the registry computes each (kubernetes
    /// <c>pkg/registry/*/strategy.go</c>, <c>…SelectableFields</c>): most read a field, some
    /// another field (<c>status.successful</c> is a Job's <c>status.succeeded</c>), some have a value
    /// when the field is absent (<c>spec.hostNetwork</c> is <c>false</c>, counts are <c>0</c>).
    /// </summary>
    private static readonly Dictionary<string, Dictionary<string, Func<JsonObject, string>>> ExtraFields = new(StringComparer.Ordinal)
    {
        ["/pods"] = new(StringComparer.Ordinal)
        {
            ["spec.nodeName"] = o => Read(o, "spec.nodeName"),
            ["spec.restartPolicy"] = o => Read(o, "spec.restartPolicy"),
            ["spec.schedulerName"] = o => Read(o, "spec.schedulerName"),
            ["spec.serviceAccountName"] = o => Read(o, "spec.serviceAccountName"),
            ["spec.hostNetwork"] = o => Read(o, "spec.hostNetwork", "false"),
            ["status.phase"] = o => Read(o, "status.phase"),
            ["status.podIP"] = o => o["status"]?["podIPs"] is JsonArray { Count: > 0 } ips ? Read(ips[0] as JsonObject, "ip") : "",
            ["status.nominatedNodeName"] = o => Read(o, "status.nominatedNodeName"),
        },
        ["/events"] = new(StringComparer.Ordinal)
        {
            ["involvedObject.kind"] = o => Read(o, "involvedObject.kind"),
            ["involvedObject.namespace"] = o => Read(o, "involvedObject.namespace"),
            ["involvedObject.name"] = o => Read(o, "involvedObject.name"),
            ["involvedObject.uid"] = o => Read(o, "involvedObject.uid"),
            ["involvedObject.apiVersion"] = o => Read(o, "involvedObject.apiVersion"),
            ["involvedObject.resourceVersion"] = o => Read(o, "involvedObject.resourceVersion"),
            ["involvedObject.fieldPath"] = o => Read(o, "involvedObject.fieldPath"),
            ["reason"] = o => Read(o, "reason"),
            ["reportingComponent"] = o => Read(o, "reportingComponent"),
            ["source"] = o => Read(o, "source.component") is { Length: > 0 } component ? component : Read(o, "reportingComponent"),
            ["type"] = o => Read(o, "type"),
        },
        ["/secrets"] = new(StringComparer.Ordinal) { ["type"] = o => Read(o, "type") },
        ["/namespaces"] = new(StringComparer.Ordinal) { ["status.phase"] = o => Read(o, "status.phase") },
        ["/nodes"] = new(StringComparer.Ordinal) { ["spec.unschedulable"] = o => Read(o, "spec.unschedulable", "false") },
        ["/services"] = new(StringComparer.Ordinal) { ["spec.clusterIP"] = o => Read(o, "spec.clusterIP"), ["spec.type"] = o => Read(o, "spec.type") },
        ["/replicationcontrollers"] = new(StringComparer.Ordinal) { ["status.replicas"] = o => Read(o, "status.replicas", "0") },
        ["apps/replicasets"] = new(StringComparer.Ordinal) { ["status.replicas"] = o => Read(o, "status.replicas", "0") },
        ["batch/jobs"] = new(StringComparer.Ordinal) { ["status.successful"] = o => Read(o, "status.succeeded", "0") },
        ["certificates.k8s.io/certificatesigningrequests"] = new(StringComparer.Ordinal) { ["spec.signerName"] = o => Read(o, "spec.signerName") },
    };

    private static readonly Dictionary<string, Func<JsonObject, string>> MetaFields = new(StringComparer.Ordinal)
    {
        ["metadata.name"] = o => Read(o, "metadata.name"),
        ["metadata.namespace"] = o => Read(o, "metadata.namespace"),
    };

    private readonly List<(string Field, bool Equal, string Value, Func<JsonObject, string> Read)> _terms;

    private FieldSelector(List<(string, bool, string, Func<JsonObject, string>)> terms) => _terms = terms;

    public static readonly FieldSelector Everything = new([]);

    public bool IsEmpty => _terms.Count == 0;

    /// <summary>The value required for <paramref name="field"/> by an equality term, if any.</summary>
    public string? RequiredValue(string field)
        => _terms.Where(t => t.Field == field && t.Equal).Select(t => t.Value).FirstOrDefault();

    public bool Matches(JsonObject obj)
    {
        foreach ((_, bool equal, string expected, Func<JsonObject, string> read) in _terms)
        {
            string actual = read(obj);
            if ((actual == expected) != equal)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A field's value as the selectable field set holds it (strings as they are, other values as JSON), or <paramref name="absent"/>.</summary>
    private static string Read(JsonObject? obj, string path, string absent = "")
    {
        JsonNode? node = obj;
        foreach (string part in path.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out JsonNode? child) ? child : null;
        }

        return node switch
        {
            null => absent,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v => v.ToJsonString(),
            _ => node.ToJsonString(),
        };
    }

    /// <exception cref="StatusException">400 on a syntax error or an unsupported field.</exception>
    public static FieldSelector Parse(string? text, string group, string plural)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        Dictionary<string, Func<JsonObject, string>>? extra = ExtraFields.GetValueOrDefault(group + "/" + plural);
        var terms = new List<(string, bool, string, Func<JsonObject, string>)>();
        foreach (string raw in SplitTerms(text))
        {
            string term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            int index;
            bool equal;
            int opLength;
            if ((index = term.IndexOf("!=", StringComparison.Ordinal)) >= 0)
            {
                equal = false;
                opLength = 2;
            }
            else if ((index = term.IndexOf("==", StringComparison.Ordinal)) >= 0)
            {
                equal = true;
                opLength = 2;
            }
            else if ((index = term.IndexOf('=', StringComparison.Ordinal)) >= 0)
            {
                equal = true;
                opLength = 1;
            }
            else
            {
                throw StatusErrors.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            }

            string field = term[..index].Trim();
            string value = Unescape(term[(index + opLength)..].Trim());
            Func<JsonObject, string> read = MetaFields.GetValueOrDefault(field) ?? extra?.GetValueOrDefault(field)
                ?? throw StatusErrors.BadRequest($"field label not supported: {field}");
            terms.Add((field, equal, value, read));
        }

        return new FieldSelector(terms);
    }

    private static IEnumerable<string> SplitTerms(string text)
    {
        var current = new System.Text.StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                current.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else if (text[i] == ',')
            {
                yield return current.ToString();
                current.Clear();
            }
            else
            {
                current.Append(text[i]);
            }
        }

        yield return current.ToString();
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
            }

            sb.Append(value[i]);
        }

        return sb.ToString();
    }
}
