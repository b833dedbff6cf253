using System.Text.Json;
using System.Text.Json.Nodes;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.StableV1;
using EventsEvent = ClientTests.Kube.EventsV1.Event;

namespace KubeGen.Client.Tests.Json;

/// <summary>
/// Nothing is invented on the way back: a field the schema marks required but the server leaves out
/// or sends as null is read as "absent" and written back as absent, never as a made-up default
/// (0001-01-01, 0, false, ""). One case per kind of value: times, numbers, booleans, int-or-string,
/// enums (strings).
/// </summary>
public sealed class RequiredFieldRoundTripTests
{
    /// <summary>What a real API server returns for a core Event read through events.k8s.io/v1.</summary>
    private const string EventWithNullEventTime = """
        {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"web.17c","namespace":"shop"},
         "eventTime":null,"reason":"Started","type":"Normal","reportingController":"kubelet",
         "series":{"count":null,"lastObservedTime":null}}
        """;

    [Fact]
    public void A_required_time_sent_as_null_is_not_written_back_as_the_year_one()
    {
        EventsEvent read = JsonSerializer.Deserialize(EventWithNullEventTime, EventsEvent.JsonTypeInfo)!;

        Assert.Null(read.EventTime);
        Assert.Null(read.Series!.Count);
        Assert.Null(read.Series.LastObservedTime);
        JsonObject written = Written(read, EventsEvent.JsonTypeInfo);
        Assert.False(written.ContainsKey("eventTime"), written.ToJsonString());
        Assert.Equal("""{}""", written["series"]!.ToJsonString());
        Assert.DoesNotContain("0001-01-01", written.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"web"}""")]
    [InlineData("""{"name":"web","ready":null,"restartCount":null}""")]
    public void Required_numbers_and_booleans_left_out_or_null_stay_absent(string json)
    {
        ContainerStatus read = JsonSerializer.Deserialize(json, ContainerStatus.JsonTypeInfo)!;

        Assert.Null(read.Ready);
        Assert.Null(read.RestartCount);
        JsonObject written = Written(read, ContainerStatus.JsonTypeInfo);
        Assert.Equal(["name"], written.Select(p => p.Key));
    }

    [Theory]
    [InlineData("""{"path":"/healthz"}""")]
    [InlineData("""{"path":"/healthz","port":null}""")]
    public void A_required_int_or_string_left_out_stays_absent(string json)
    {
        HTTPGetAction read = JsonSerializer.Deserialize(json, HTTPGetAction.JsonTypeInfo)!;

        Assert.Null(read.Port);
        Assert.Equal(["path"], Written(read, HTTPGetAction.JsonTypeInfo).Select(p => p.Key));
    }

    [Fact]
    public void A_required_enum_left_out_stays_absent_and_values_that_were_sent_come_back_exactly()
    {
        const string Json = """
            {"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"nightly"},
             "status":{"conditions":[{"type":"Ready"},{"type":"Synced","status":"True"}]}}
            """;

        CronTab read = JsonSerializer.Deserialize(Json, CronTab.JsonTypeInfo)!;

        JsonObject written = Written(read, CronTab.JsonTypeInfo);
        var conditions = written["status"]!["conditions"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"Ready"}"""), conditions[0]), conditions[0]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"Synced","status":"True"}"""), conditions[1]), conditions[1]!.ToJsonString());
    }

    [Fact]
    public void Required_values_that_were_sent_are_written_back_unchanged()
    {
        const string Json = """{"name":"web","ready":false,"restartCount":0,"image":"nginx","imageID":"","containerID":"c"}""";

        ContainerStatus read = JsonSerializer.Deserialize(Json, ContainerStatus.JsonTypeInfo)!;

        Assert.False(read.Ready);
        Assert.Equal(0, read.RestartCount);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Json), Written(read, ContainerStatus.JsonTypeInfo)));
    }

    private static JsonObject Written<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        => JsonNode.Parse(JsonSerializer.Serialize(value, typeInfo))!.AsObject();
}
