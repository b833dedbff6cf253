using System.Text;
using System.Text.Json;

namespace KubeGen.Runtime;

/// <summary>
/// Returns one string instance for short JSON strings that repeat: a Kubernetes list repeats the same
/// label keys and values, annotation keys, images, node names, phases, condition types and "True"
/// thousands of times, and a list of 5,000 pods would otherwise hold thousands of copies of each.
/// A small direct-mapped table per thread, keyed by a hash of the UTF-8 bytes: a hit compares the
/// bytes with the cached string (no allocation), a miss allocates as usual and takes the slot.
/// Unique strings (names, UIDs) just pass through; the table never grows.
/// </summary>
internal static class Utf8StringCache
{
    /// <summary>Longer strings (image references with digests fit) rarely repeat and cost more to compare; they are read as usual.</summary>
    private const int MaxBytes = 128;

    /// <summary>Slots per thread (a power of two): about 4,096 × a short string at most, retained per reading thread.</summary>
    private const int Slots = 4096;

    [ThreadStatic]
    private static string?[]? t_slots;

    /// <summary>The current string token (or property name) as a string, shared with earlier equal ones.</summary>
    public static string Get(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped)
        {
            return reader.GetString()!;
        }

        ReadOnlySpan<byte> utf8 = reader.ValueSpan;
        if (utf8.Length > MaxBytes)
        {
            return reader.GetString()!;
        }

        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        string?[] slots = t_slots ??= new string?[Slots];
        int slot = (int)(Hash(utf8) & (Slots - 1));
        string? cached = slots[slot];
        if (cached is not null && Equal(cached, utf8))
        {
            return cached;
        }

        string value = Encoding.UTF8.GetString(utf8);
        slots[slot] = value;
        return value;
    }

    /// <summary>FNV-1a over at most <see cref="MaxBytes"/> bytes.</summary>
    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        uint hash = 2166136261;
        foreach (byte b in utf8)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }

    /// <summary>Ordinal equality of a string and UTF-8 bytes; ASCII is compared directly, anything else decoded.</summary>
    private static bool Equal(string cached, ReadOnlySpan<byte> utf8)
    {
        if (cached.Length > utf8.Length)
        {
            // Every char takes at least one UTF-8 byte.
            return false;
        }

        if (cached.Length == utf8.Length)
        {
            for (int i = 0; i < utf8.Length; i++)
            {
                byte b = utf8[i];
                if (b >= 0x80)
                {
                    return SlowEqual(cached, utf8);
                }

                if (cached[i] != b)
                {
                    return false;
                }
            }

            return true;
        }

        return SlowEqual(cached, utf8);
    }

    private static bool SlowEqual(string cached, ReadOnlySpan<byte> utf8)
    {
        Span<char> decoded = stackalloc char[MaxBytes];
        int length = Encoding.UTF8.GetChars(utf8, decoded);
        return decoded[..length].SequenceEqual(cached);
    }
}
