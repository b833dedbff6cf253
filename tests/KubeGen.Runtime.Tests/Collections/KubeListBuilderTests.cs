using KubeGen.Runtime;
using Xunit;

namespace KubeGen.Runtime.Tests.Collections;

public sealed class KubeListBuilderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Short_arrays_become_lists_of_exactly_their_length(int count)
    {
        var builder = new KubeListBuilder<string>();
        for (int i = 0; i < count; i++)
        {
            builder.Add($"item-{i}");
        }

        var list = builder.ToList();

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"item-{i}"), list);
        Assert.Equal(count, list.Capacity);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(100)]
    public void Longer_arrays_keep_every_item_in_order(int count)
    {
        var builder = new KubeListBuilder<int>();
        for (int i = 0; i < count; i++)
        {
            builder.Add(i);
        }

        Assert.Equal(count, builder.Count);
        Assert.Equal(Enumerable.Range(0, count), builder.ToList());
    }

    [Fact]
    public void The_list_it_makes_can_grow()
    {
        var builder = new KubeListBuilder<string>();
        builder.Add("a");
        var list = builder.ToList();

        list.Add("b");

        Assert.Equal(["a", "b"], list);
    }
}
