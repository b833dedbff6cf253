using System.Collections;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace KubeGen.Runtime;

/// <summary>
/// The map generated models read JSON objects into (labels, annotations, resource lists, ConfigMap data): a mutable
/// <see cref="IDictionary{TKey, TValue}"/> with ordinal keys that keeps its entries in one array, in insertion order.
/// </summary>
/// <remarks>
/// Most maps in Kubernetes objects hold a handful of entries, and an informer cache holds thousands of them. A
/// <see cref="Dictionary{TKey, TValue}"/> of two labels takes about 220 bytes (the dictionary, its bucket and entry
/// arrays, room for a third entry); this map takes 96. Maps of up to <see cref="IndexThreshold"/> entries are searched
/// in order; larger ones build an index, so lookups stay constant-time in a ConfigMap of thousands of keys.
/// </remarks>
/// <typeparam name="TValue">The value type.</typeparam>
[DebuggerDisplay("Count = {Count}")]
public sealed class KubeMap<TValue> : IDictionary<string, TValue>, IReadOnlyDictionary<string, TValue>
{
    /// <summary>Entries searched in order before the map builds an index.</summary>
    public const int IndexThreshold = 8;

    private KeyValuePair<string, TValue>[] _entries;
    private Dictionary<string, int>? _index;
    private int _count;
    private int _version;

    /// <summary>An empty map.</summary>
    public KubeMap() => _entries = [];

    /// <summary>An empty map with room for <paramref name="capacity"/> entries.</summary>
    /// <param name="capacity">The entries it can hold before it grows.</param>
    public KubeMap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _entries = capacity == 0 ? [] : new KeyValuePair<string, TValue>[capacity];
    }

    /// <inheritdoc/>
    public int Count => _count;

    /// <inheritdoc/>
    public bool IsReadOnly => false;

    /// <summary>The keys, in insertion order (a copy: changing the map later does not change it).</summary>
    public ICollection<string> Keys
    {
        get
        {
            var keys = new string[_count];
            for (int i = 0; i < _count; i++)
            {
                keys[i] = _entries[i].Key;
            }

            return keys;
        }
    }

    /// <summary>The values, in insertion order (a copy: changing the map later does not change it).</summary>
    public ICollection<TValue> Values
    {
        get
        {
            var values = new TValue[_count];
            for (int i = 0; i < _count; i++)
            {
                values[i] = _entries[i].Value;
            }

            return values;
        }
    }

    IEnumerable<string> IReadOnlyDictionary<string, TValue>.Keys => Keys;

    IEnumerable<TValue> IReadOnlyDictionary<string, TValue>.Values => Values;

    /// <inheritdoc/>
    public TValue this[string key]
    {
        get
        {
            int i = IndexOf(key);
            return i >= 0 ? _entries[i].Value : throw new KeyNotFoundException($"The map has no key '{key}'.");
        }

        set
        {
            int i = IndexOf(key);
            if (i >= 0)
            {
                // Replacing a value is allowed while enumerating, as it is for Dictionary: the entries do not move.
                _entries[i] = new KeyValuePair<string, TValue>(key, value);
            }
            else
            {
                Append(key, value);
            }
        }
    }

    /// <inheritdoc/>
    public void Add(string key, TValue value)
    {
        if (IndexOf(key) >= 0)
        {
            throw new ArgumentException($"The map already has the key '{key}'.", nameof(key));
        }

        Append(key, value);
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        int i = IndexOf(key);
        if (i >= 0)
        {
            value = _entries[i].Value;
            return true;
        }

        value = default;
        return false;
    }

    /// <inheritdoc/>
    public bool Remove(string key)
    {
        int i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        RemoveAt(i);
        return true;
    }

    /// <inheritdoc/>
    public void Clear()
    {
        Array.Clear(_entries, 0, _count);
        _count = 0;
        _index = null;
        _version++;
    }

    /// <summary>Enumerates the entries in insertion order.</summary>
    /// <returns>An enumerator that fails if the map changes while it runs.</returns>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, TValue>> IEnumerable<KeyValuePair<string, TValue>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void ICollection<KeyValuePair<string, TValue>>.Add(KeyValuePair<string, TValue> item) => Add(item.Key, item.Value);

    bool ICollection<KeyValuePair<string, TValue>>.Contains(KeyValuePair<string, TValue> item)
        => IndexOf(item.Key) is var i and >= 0 && EqualityComparer<TValue>.Default.Equals(_entries[i].Value, item.Value);

    bool ICollection<KeyValuePair<string, TValue>>.Remove(KeyValuePair<string, TValue> item)
    {
        int i = IndexOf(item.Key);
        if (i < 0 || !EqualityComparer<TValue>.Default.Equals(_entries[i].Value, item.Value))
        {
            return false;
        }

        RemoveAt(i);
        return true;
    }

    void ICollection<KeyValuePair<string, TValue>>.CopyTo(KeyValuePair<string, TValue>[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        Array.Copy(_entries, 0, array, arrayIndex, _count);
    }

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_index is not null)
        {
            return _index.TryGetValue(key, out int i) ? i : -1;
        }

        for (int i = 0; i < _count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private void Append(string key, TValue value)
    {
        if (_count == _entries.Length)
        {
            // 2, 4, 8…: maps read from JSON mostly hold one to four entries, and exactly two is the commonest.
            Array.Resize(ref _entries, _entries.Length == 0 ? 2 : _entries.Length * 2);
        }

        _entries[_count] = new KeyValuePair<string, TValue>(key, value);
        if (_index is not null)
        {
            _index[key] = _count;
        }
        else if (_count == IndexThreshold)
        {
            BuildIndex(_count + 1);
        }

        _count++;
        _version++;
    }

    private void RemoveAt(int i)
    {
        _count--;
        Array.Copy(_entries, i + 1, _entries, i, _count - i);
        _entries[_count] = default;
        _version++;
        _index = null;
        if (_count > IndexThreshold)
        {
            BuildIndex(_count);
        }
    }

    private void BuildIndex(int count)
    {
        _index = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            _index[_entries[i].Key] = i;
        }
    }

    /// <summary>Enumerates a <see cref="KubeMap{TValue}"/> without allocating.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<string, TValue>>
    {
        private readonly KubeMap<TValue> _map;
        private readonly int _version;
        private int _next;

        internal Enumerator(KubeMap<TValue> map)
        {
            _map = map;
            _version = map._version;
            _next = 0;
            Current = default;
        }

        /// <inheritdoc/>
        public KeyValuePair<string, TValue> Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext()
        {
            if (_version != _map._version)
            {
                throw new InvalidOperationException("The map changed while it was being enumerated.");
            }

            if (_next >= _map._count)
            {
                Current = default;
                return false;
            }

            Current = _map._entries[_next++];
            return true;
        }

        /// <inheritdoc/>
        public void Reset()
        {
            if (_version != _map._version)
            {
                throw new InvalidOperationException("The map changed while it was being enumerated.");
            }

            _next = 0;
            Current = default;
        }

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }
}
