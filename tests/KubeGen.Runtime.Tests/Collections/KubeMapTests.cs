using KubeGen.Runtime;
using Xunit;

namespace KubeGen.Runtime.Tests.Collections;

public sealed class KubeMapTests
{
    [Fact]
    public void Keeps_entries_in_insertion_order_and_replaces_a_value_in_place()
    {
        var map = new KubeMap<string> { ["b"] = "1", ["a"] = "2", ["c"] = "3" };
        map["a"] = "changed";

        Assert.Equal(["b", "a", "c"], map.Select(e => e.Key));
        Assert.Equal(["1", "changed", "3"], map.Values);
        Assert.Equal(3, map.Count);
    }

    [Fact]
    public void Keys_are_ordinal()
    {
        var map = new KubeMap<int> { ["App"] = 1, ["app"] = 2 };

        Assert.Equal(2, map.Count);
        Assert.Equal(1, map["App"]);
        Assert.Equal(2, map["app"]);
        Assert.False(map.ContainsKey("APP"));
    }

    [Fact]
    public void Add_of_an_existing_key_and_a_missing_key_fail_naming_the_key()
    {
        var map = new KubeMap<string> { ["team"] = "a" };

        var duplicate = Assert.Throws<ArgumentException>(() => map.Add("team", "b"));
        Assert.Contains("'team'", duplicate.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<KeyNotFoundException>(() => map["tier"]);
        Assert.Contains("'tier'", missing.Message, StringComparison.Ordinal);
        Assert.Equal("a", map["team"]);
    }

    [Fact]
    public void Remove_shifts_the_later_entries_and_reports_whether_it_removed()
    {
        var map = new KubeMap<string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" };

        Assert.True(map.Remove("b"));
        Assert.False(map.Remove("b"));
        Assert.Equal(["a", "c"], map.Keys);
        Assert.False(map.TryGetValue("b", out _));
        Assert.True(map.TryGetValue("c", out var c));
        Assert.Equal("3", c);
    }

    [Theory]
    [InlineData(KubeMap<int>.IndexThreshold - 1)]
    [InlineData(KubeMap<int>.IndexThreshold)]
    [InlineData(KubeMap<int>.IndexThreshold + 1)]
    [InlineData(1000)]
    public void Lookups_find_every_key_below_and_above_the_index_threshold(int count)
    {
        var map = new KubeMap<int>();
        for (int i = 0; i < count; i++)
        {
            map[$"key-{i}"] = i;
        }

        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, map[$"key-{i}"]);
        }

        Assert.False(map.ContainsKey($"key-{count}"));
        Assert.Equal(Enumerable.Range(0, count), map.Select(e => e.Value));
    }

    [Fact]
    public void Removing_from_an_indexed_map_keeps_every_later_key_findable()
    {
        var map = new KubeMap<int>();
        for (int i = 0; i < 20; i++)
        {
            map[$"k{i}"] = i;
        }

        for (int i = 0; i < 20; i += 2)
        {
            Assert.True(map.Remove($"k{i}"));
        }

        Assert.Equal(10, map.Count);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i % 2 == 1, map.TryGetValue($"k{i}", out var value));
            Assert.Equal(i % 2 == 1 ? i : 0, value);
        }

        map["new"] = 99;
        Assert.Equal(99, map["new"]);
        Assert.Equal("new", map.Last().Key);
    }

    [Fact]
    public void Changing_the_map_while_enumerating_it_fails()
    {
        var map = new KubeMap<string> { ["a"] = "1", ["b"] = "2" };

        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var entry in map)
            {
                map["c"] = "3";
            }
        });
    }

    [Fact]
    public void Replacing_values_while_enumerating_is_allowed_as_for_a_dictionary()
    {
        var map = new KubeMap<string> { ["a"] = "1", ["b"] = "2" };

        foreach (var entry in map)
        {
            map[entry.Key] = entry.Value + "!";
        }

        Assert.Equal(["1!", "2!"], map.Values);
    }

    [Fact]
    public void Collection_members_compare_values_and_copy_in_order()
    {
        ICollection<KeyValuePair<string, string>> map = new KubeMap<string> { ["a"] = "1", ["b"] = "2" };

        Assert.Contains(new KeyValuePair<string, string>("a", "1"), map);
        Assert.DoesNotContain(new KeyValuePair<string, string>("a", "2"), map);
        Assert.False(map.Remove(new KeyValuePair<string, string>("a", "2")));
        var copy = new KeyValuePair<string, string>[3];
        map.CopyTo(copy, 1);
        Assert.Equal([default, new("a", "1"), new("b", "2")], copy);

        map.Clear();
        Assert.Empty(map);
        map.Add(new KeyValuePair<string, string>("a", "again"));
        Assert.Equal("again", ((IDictionary<string, string>)map)["a"]);
    }

    [Fact]
    public void Null_keys_are_rejected()
    {
        var map = new KubeMap<string>();

        Assert.Throws<ArgumentNullException>(() => map[null!] = "x");
        Assert.Throws<ArgumentNullException>(() => map.ContainsKey(null!));
    }
}
