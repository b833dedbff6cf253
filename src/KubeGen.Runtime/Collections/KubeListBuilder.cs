namespace KubeGen.Runtime;

/// <summary>
/// Collects the items of a JSON array for generated readers, then makes a <see cref="List{T}"/> of exactly their
/// number. <c>new List&lt;T&gt;()</c> grows to room for four on its first item, and most arrays in Kubernetes objects
/// hold one or two (containers, ports, owner references, conditions): in a cache of thousands of objects the unused
/// slots add up. The first four items stay in this struct (on the reader's stack), so a short array allocates one
/// list and one array of its exact size and nothing else.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public struct KubeListBuilder<T>
{
    private const int InlineCount = 4;

    private T _item0;
    private T _item1;
    private T _item2;
    private T _item3;
    private List<T>? _overflow;
    private int _count;

    /// <summary>The items added so far.</summary>
    public readonly int Count => _count;

    /// <summary>Adds an item.</summary>
    /// <param name="item">The item.</param>
    public void Add(T item)
    {
        if (_overflow is not null)
        {
            _overflow.Add(item);
        }
        else if (_count < InlineCount)
        {
            switch (_count)
            {
                case 0: _item0 = item; break;
                case 1: _item1 = item; break;
                case 2: _item2 = item; break;
                default: _item3 = item; break;
            }
        }
        else
        {
            _overflow = new List<T>(InlineCount * 2) { _item0, _item1, _item2, _item3, item };
        }

        _count++;
    }

    /// <summary>The items as a list (of exactly their number when there are at most four).</summary>
    /// <returns>A new list; the builder must not be used after this.</returns>
    public readonly List<T> ToList()
    {
        if (_overflow is not null)
        {
            return _overflow;
        }

        var list = new List<T>(_count);
        if (_count > 0)
        {
            list.Add(_item0);
        }

        if (_count > 1)
        {
            list.Add(_item1);
        }

        if (_count > 2)
        {
            list.Add(_item2);
        }

        if (_count > 3)
        {
            list.Add(_item3);
        }

        return list;
    }
}
