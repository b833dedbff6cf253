using System.Text.Json.Nodes;
using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KubeGen.Generator.Tests.Hostile;

/// <summary>
/// Specs a cluster (or any CRD author) controls, with every dangerous character where text reaches
/// generated code: the generator compiles them to code that does only what it should, or reports a
/// clean KG diagnostic; it never throws, never lets spec text become C#, and never recurses without bound.
/// </summary>
public sealed class HostileSpecTests
{
    /// <summary>C# that must never become code: a module initializer runs when the app starts.</summary>
    private const string Payload = "[System.Runtime.CompilerServices.ModuleInitializer] internal static void Pwned() => System.Environment.Exit(42); /*";

    /// <summary>Every line terminator C# recognises, plus a form a naive split on '\n' sees as one.</summary>
    public static TheoryData<string> LineTerminators => new() { "\n", "\r", "\r\n", "\n\r", "\u0085", "\u2028", "\u2029" };

    /// <summary>Characters that end, break or disguise text in some output context.</summary>
    public static TheoryData<string> DangerousCharacters => new()
    {
        "\"", "\\", "'", "{", "}", "<", ">", "&", "*/", "/*", "//", "#", ":", "-", "[", "]", "\0", "\t", "\u0001", "\u007f",
        "\u202e", "\u2066", "\ufeff", "\ud83d\ude00", "\ufffe", "\uffff",
    };

    [Theory]
    [MemberData(nameof(LineTerminators))]
    public void Description_line_terminators_never_end_a_comment(string terminator)
    {
        var spec = new HostileSpec("A widget." + terminator + Payload + terminator + "*/ }" + terminator + "class Evil { }");

        var result = Generate(spec, "widgets");

        AssertCompilesAsData(result);
    }

    [Theory]
    [MemberData(nameof(DangerousCharacters))]
    public void Description_with_any_character_compiles_as_a_comment(string character)
    {
        var spec = new HostileSpec("A <b>widget</b> & more " + character + " \n" + character + Payload);

        var result = Generate(spec, "widgets");

        AssertCompilesAsData(result);
    }

    [Theory]
    [MemberData(nameof(LineTerminators))]
    [MemberData(nameof(DangerousCharacters))]
    public void Property_names_with_any_character_are_data_and_round_trip(string character)
    {
        var spec = new HostileSpec();
        var name = "we" + character + "ird\"" + Payload;
        spec.Properties(HostileSpec.WidgetSpec)[name] = HostileSpec.Scalar("string", "odd");

        var result = Generate(spec, "widgets");

        AssertCompilesAsData(result);
        Assert.Contains(name, JsonPropertyNames(result));
    }

    [Theory]
    [MemberData(nameof(LineTerminators))]
    public void Kind_and_group_version_kind_texts_are_data(string terminator)
    {
        var spec = new HostileSpec();
        var gvk = spec.Definitions[HostileSpec.WidgetSpec]!.AsObject();
        gvk["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject
        {
            ["group"] = "example.com\"" + terminator + Payload,
            ["version"] = "v1" + terminator + Payload,
            ["kind"] = "Spec\"" + terminator + Payload,
        });

        var result = Generate(spec, "widgets");

        AssertCompilesAsData(result);
    }

    [Theory]
    [InlineData("/apis/{System.Environment.Exit(42)}/v1/namespaces/{namespace}/widgets", "/apis/{System.Environment.Exit(42)}/v1/namespaces/{namespace}/widgets/{name}")]
    [InlineData("/apis/example.com/{System.Environment.Exit(42)}/namespaces/{namespace}/widgets", "/apis/example.com/{System.Environment.Exit(42)}/namespaces/{namespace}/widgets/{name}")]
    [InlineData("/apis/example.com/v1/namespaces/{System.Environment.Exit(42)}/widgets", "/apis/example.com/v1/namespaces/{System.Environment.Exit(42)}/widgets/{name}")]
    [InlineData("/apis/example.com/v1/namespaces/{namespace}/widgets", "/apis/example.com/v1/namespaces/{namespace}/widgets/{System.Environment.Exit(42)}")]
    public void Unknown_path_placeholders_are_never_emitted_as_code(string collection, string item)
    {
        var spec = new HostileSpec().WithPaths(collection, item);

        var result = Generate(spec, resources: null);

        AssertCompilesAsData(result, marker: "Exit");
        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "KG0017" && d.GetMessage().Contains("{System.Environment.Exit(42)}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("widgets\"]\n  verbs: [\"*\"]\n- apiGroups: [\"*\"]\n  resources: [\"*")]
    [InlineData("*")]
    [InlineData("Widgets")]
    [InlineData("wid gets")]
    [InlineData("widgets\u2028")]
    public void A_plural_outside_the_name_grammar_is_a_diagnostic_never_an_rbac_rule(string plural)
        => AssertRefusedWithoutRbacRule("example.com", plural);

    [Theory]
    [InlineData("*")]
    [InlineData("example.com\"]\n  resources: [\"*\"]\n  verbs: [\"*")]
    [InlineData("Example.com")]
    [InlineData("example..com")]
    public void A_group_outside_the_name_grammar_is_a_diagnostic_never_an_rbac_rule(string group)
        => AssertRefusedWithoutRbacRule(group, "widgets");

    [Fact]
    public void Property_names_equal_after_sanitising_get_unique_members()
    {
        var spec = new HostileSpec();
        var properties = spec.Properties(HostileSpec.WidgetSpec);
        foreach (var name in new[] { "foo-bar", "foo_bar", "foo.bar", "fooBar", "FooBar", "foo bar", "", "-", "1st", "@", "class", "ExtensionData", "extensionData", "jsonTypeInfo", "kubeKind", "kubeApiVersion", "getType", "toString", "equals", "getHashCode", "memberwiseClone", "finalize", "referenceEquals", "widgetSpec" })
        {
            properties[name] = HostileSpec.Scalar("string", name);
        }

        var result = Generate(spec, "widgets");

        AssertCompilesAsData(result);
        Assert.Superset(properties.Select(p => p.Key).ToHashSet(), JsonPropertyNames(result).ToHashSet());
    }

    [Fact]
    public void Query_parameters_equal_after_sanitising_get_unique_names()
    {
        var spec = new HostileSpec();
        var get = spec.Paths[HostileSpec.Item]!["get"]!["parameters"]!.AsArray();
        foreach (var name in new[] { "foo-bar", "foo_bar", "fooBar", "foo.bar", "cancellationToken", "namespace", "name", "body", "options", "url", "continue", "class", "" })
        {
            get.Add(HostileSpec.Query(name, "string", name));
        }

        var result = Generate(spec, "widgets");

        AssertCompilesAsData(result);
    }

    [Theory]
    [InlineData("KubeGenJson")]
    [InlineData("WidgetsClient")]
    [InlineData("ExampleV1Client")]
    [InlineData("Object")]
    [InlineData("String")]
    [InlineData("System")]
    [InlineData("Global")]
    public void Definition_names_that_shadow_generated_or_framework_names_compile(string typeName)
    {
        var spec = new HostileSpec();
        spec.Definitions["com.example.v1." + typeName] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["x"] = HostileSpec.Scalar("string", "x") },
        };
        spec.Properties(HostileSpec.WidgetSpec)["other"] = HostileSpec.Ref("com.example.v1." + typeName);

        var result = Generate(spec, "widgets");

        AssertCompilesAsData(result);
    }

    [Theory]
    [InlineData("com.example.KubeClient.Thing")]
    [InlineData("com.example.Namespace.Thing")]
    [InlineData("com.example.Connection.Thing")]
    [InlineData("com.example.RbacRules.Thing")]
    public void Namespaces_that_collide_with_the_client_or_its_members_compile(string definition)
    {
        var spec = new HostileSpec();
        spec.Definitions[definition] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["x"] = HostileSpec.Scalar("string", "x") },
        };
        spec.Properties(HostileSpec.WidgetSpec)["other"] = HostileSpec.Ref(definition);

        var result = Generate(spec, "widgets", ns: "Test.Kube");

        AssertCompilesAsData(result);
    }

    [Fact]
    public void Plurals_equal_after_sanitising_get_unique_client_properties()
    {
        var spec = new HostileSpec();
        foreach (var plural in new[] { "foo-bars", "foobars" })
        {
            spec.Paths[$"/apis/example.com/v1/namespaces/{{namespace}}/{plural}"] = spec.Paths[HostileSpec.Collection]!.DeepClone();
            spec.Paths[$"/apis/example.com/v1/namespaces/{{namespace}}/{plural}/{{name}}"] = spec.Paths[HostileSpec.Item]!.DeepClone();
        }

        foreach (var path in spec.Paths.Select(p => p.Value!.AsObject()).ToList())
        {
            foreach (var operation in path.Where(o => o.Key != "parameters").Select(o => o.Value!.AsObject()))
            {
                operation["x-kubernetes-group-version-kind"]!["kind"] = "FooBar";
            }
        }

        var result = Generate(spec, resources: null);

        AssertCompilesAsData(result);
    }

    [Fact]
    public void A_chain_of_twenty_thousand_ref_aliases_is_a_diagnostic_not_a_stack_overflow()
    {
        var spec = new HostileSpec();
        const int Depth = 20_000;
        for (var i = 0; i < Depth; i++)
        {
            spec.Definitions[$"com.example.v1.Alias{i}"] = HostileSpec.Ref($"com.example.v1.Alias{i + 1}");
        }

        spec.Definitions[$"com.example.v1.Alias{Depth}"] = HostileSpec.Scalar("string", "the end");
        spec.Properties(HostileSpec.WidgetSpec)["deep"] = HostileSpec.Ref("com.example.v1.Alias0");

        var result = OnSmallStack(() => Generate(spec, "widgets"));

        AssertCompilesAsData(result);
        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "KG0018" && d.GetMessage().Contains("WidgetSpec.deep", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cycle_of_ref_aliases_is_raw_json_not_a_hang()
    {
        var spec = new HostileSpec();
        spec.Definitions["com.example.v1.A"] = HostileSpec.Ref("com.example.v1.B");
        spec.Definitions["com.example.v1.B"] = HostileSpec.Ref("com.example.v1.A");
        spec.Properties(HostileSpec.WidgetSpec)["loop"] = HostileSpec.Ref("com.example.v1.A");

        var result = OnSmallStack(() => Generate(spec, "widgets"));

        AssertCompilesAsData(result);
    }

    [Fact]
    public void Deeply_nested_arrays_and_maps_are_bounded_with_a_diagnostic()
    {
        var spec = new HostileSpec();
        JsonNode schema = HostileSpec.Scalar("string", "leaf");
        for (var i = 0; i < 100; i++)
        {
            schema = i % 2 == 0
                ? new JsonObject { ["type"] = "array", ["items"] = schema }
                : new JsonObject { ["type"] = "object", ["additionalProperties"] = schema };
        }

        spec.Properties(HostileSpec.WidgetSpec)["nested"] = schema;

        var result = OnSmallStack(() => Generate(spec, "widgets"));

        AssertCompilesAsData(result);
        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "KG0018" && d.GetMessage().Contains("WidgetSpec.nested", StringComparison.Ordinal));
    }

    [Fact]
    public void Wide_schemas_compile()
    {
        var spec = new HostileSpec();
        var properties = spec.Properties(HostileSpec.WidgetSpec);
        for (var i = 0; i < 2_000; i++)
        {
            properties["field" + i] = HostileSpec.Scalar(i % 2 == 0 ? "string" : "integer", "field " + i);
        }

        var result = Generate(spec, "widgets");

        AssertCompilesAsData(result);
        Assert.Equal(2_002, JsonPropertyNames(result, "WidgetSpec").Count());
    }

    [Fact]
    public void Duplicate_property_keys_keep_the_last_like_every_json_reader_and_say_so()
    {
        var text = new HostileSpec().Text.Replace(
            "\"mode\":{",
            "\"size\":{\"type\":\"string\",\"description\":\"second\"},\"mode\":{",
            StringComparison.Ordinal);

        var result = GeneratorHarness.Run(new KubernetesApiItem("/specs/hostile.json", text, "widgets"));

        AssertCompilesAsData(result);
        Assert.Single(JsonPropertyNames(result, "WidgetSpec"), n => n == "size");
        var size = result.Compilation.GetTypeByMetadataName("Test.Kube.ExampleV1.WidgetSpec")!.GetMembers("Size").OfType<IPropertySymbol>().Single();
        Assert.Equal(SpecialType.System_String, size.Type.SpecialType);
        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "KG0019" && d.GetMessage().Contains("size", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_path_keys_give_one_client()
    {
        var one = new HostileSpec().Text;
        var collection = "\"" + HostileSpec.Collection + "\":";
        var start = one.IndexOf(collection, StringComparison.Ordinal);
        var end = one.IndexOf("\"" + HostileSpec.Item + "\":", StringComparison.Ordinal);
        var text = one.Insert(end, one.Substring(start, end - start));

        var result = GeneratorHarness.Run(new KubernetesApiItem("/specs/hostile.json", text, "widgets"));

        AssertCompilesAsData(result);
    }

    [Fact]
    public void Huge_descriptions_and_names_compile_and_stay_bounded()
    {
        var huge = new string('x', 3_000_000);
        var spec = new HostileSpec(huge);
        spec.Properties(HostileSpec.WidgetSpec)[new string('n', 5_000)] = HostileSpec.Scalar("string", huge);
        spec.Definitions["com.example.v1." + new string('T', 5_000)] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["x"] = HostileSpec.Scalar("string", huge) },
        };
        spec.Properties(HostileSpec.WidgetSpec)["long"] = HostileSpec.Ref("com.example.v1." + new string('T', 5_000));

        var result = Generate(spec, "widgets");

        AssertCompilesAsData(result);
        Assert.All(result.Sources, s => Assert.True(s.SourceText.Length < 1_000_000, $"{s.HintName} is {s.SourceText.Length} characters"));
        Assert.All(result.Sources, s => Assert.True(s.HintName.Length < 200, s.HintName));
    }

    [Theory]
    [InlineData("m\\ud800ode", "\\ud800")]
    [InlineData("m\\uDC00ode", "\\uDC00")]
    [InlineData("m\\ud800\\u0041", "\\ud800")]
    public void Half_a_surrogate_pair_is_not_text_and_is_a_clean_diagnostic(string escapedName, string escape)
    {
        var text = new HostileSpec().Text.Replace("\"mode\":{", "\"" + escapedName + "\":{\"type\":\"string\"},\"mode\":{", StringComparison.Ordinal);

        var result = GeneratorHarness.Run(new KubernetesApiItem("/specs/hostile.json", text, "widgets"));

        AssertCompilesAsData(result);
        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("KG0002", diagnostic.Id);
        Assert.Contains($"the escape '{escape}' is half of a surrogate pair", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Escaped_pairs_controls_and_line_separators_in_json_strings_are_data()
    {
        var text = new HostileSpec().Text.Replace("\"mode\":{", "\"m\\ud83d\\ude00\\u2028\\u0000ode\":{\"type\":\"string\",\"description\":\"\\\\ud800\\u2028\\u0000\"},\"mode\":{", StringComparison.Ordinal);

        var result = GeneratorHarness.Run(new KubernetesApiItem("/specs/hostile.json", text, "widgets"));

        AssertCompilesAsData(result);
        Assert.Contains("m\ud83d\ude00\u2028\0ode", JsonPropertyNames(result));
    }

    private static void AssertRefusedWithoutRbacRule(string group, string plural)
    {
        var collection = $"/apis/{group}/v1/namespaces/{{namespace}}/{plural}";
        var spec = new HostileSpec().WithPaths(collection, collection + "/{name}");

        var result = Generate(spec, resources: null);

        AssertCompilesAsData(result);
        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "KG0017");
        Assert.DoesNotContain(result.Sources, s => s.HintName == "KubeGen.rbac.g.cs" && s.SourceText.ToString().Contains('*', StringComparison.Ordinal));
    }

    private static GenerationResult Generate(HostileSpec spec, string? resources, string ns = "Test.Kube")
        => GeneratorHarness.Run(new KubernetesApiItem("/specs/hostile.json", spec.Text, resources, ns));

    /// <summary>
    /// The output compiles without errors or warnings, the generator did not fail, its messages hold
    /// no line terminators, and the payload's
    /// identifier appears nowhere in generated code outside comments and literals: spec text stayed data.
    /// </summary>
    private static void AssertCompilesAsData(GenerationResult result, string marker = "Pwned")
    {
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id is "KG0014" or "CS8784" or "CS8785");

        // Diagnostics quote spec text in build logs: a hostile name must not forge a line there either.
        Assert.All(result.GeneratorDiagnostics, d => Assert.False(d.GetMessage().Any(c => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029'), d.GetMessage()));
        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        foreach (var tree in result.Compilation.SyntaxTrees)
        {
            // A sanitised name may contain the payload's letters (WeirdPwned…); only the payload's own identifier is code.
            foreach (var token in tree.GetRoot().DescendantTokens(descendIntoTrivia: false).Where(t => t.IsKind(SyntaxKind.IdentifierToken)))
            {
                Assert.False(token.ValueText == marker, $"'{token.Text}' became code in {tree.FilePath} at {token.GetLocation().GetLineSpan().StartLinePosition}");
            }

            foreach (var attribute in tree.GetRoot().DescendantNodes().OfType<AttributeSyntax>())
            {
                Assert.DoesNotContain("ModuleInitializer", attribute.Name.ToString(), StringComparison.Ordinal);
            }
        }
    }

    /// <summary>The JSON names the generated models declare, read back as the compiler sees their constants.</summary>
    private static IEnumerable<string> JsonPropertyNames(GenerationResult result, string typeName = "WidgetSpec")
    {
        var type = result.Compilation.GetSymbolsWithName(typeName, SymbolFilter.Type).OfType<INamedTypeSymbol>().Single();
        return type.GetMembers().OfType<IPropertySymbol>()
            .SelectMany(p => p.GetAttributes())
            .Where(a => a.AttributeClass?.Name == "JsonPropertyNameAttribute")
            .Select(a => (string)a.ConstructorArguments[0].Value!);
    }

    /// <summary>Runs on a thread with a 1 MiB stack (the compiler's own default), so unbounded recursion fails here as it would in csc.</summary>
    private static T OnSmallStack<T>(Func<T> work)
    {
        T? value = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                value = work();
            }
            catch (Exception exception)
            {
                error = exception;
            }
        }, maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException("The generator run failed.", error);
        }

        return value!;
    }
}
