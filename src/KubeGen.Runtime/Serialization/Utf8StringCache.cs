using System.Buffers.Binary;
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

    /// <summary>
    /// A cheap slot hash from the length and the first and last eight bytes: a collision only costs a
    /// miss (a hit is always verified byte for byte), so it need not look at every byte.
    /// </summary>
    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        ulong head, tail;
        if (utf8.Length >= sizeof(ulong))
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(utf8[^sizeof(ulong)..]);
        }
        else
        {
            head = 0;
            foreach (byte b in utf8)
            {
                head = (head << 8) | b;
            }

            tail = 0;
        }

        ulong mixed = (head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)utf8.Length;
        return (uint)(mixed ^ (mixed >> 29) ^ (mixed >> 47));
    }

    /// <summary>Ordinal equality of a string and UTF-8 bytes: ASCII (nearly every Kubernetes value) compared vectorized, anything else decoded.</summary>
    private static bool Equal(string cached, ReadOnlySpan<byte> utf8)
    {
        if (cached.Length == utf8.Length && Ascii.Equals(utf8, cached))
        {
            return true;
        }

        // Non-ASCII text has more UTF-8 bytes than chars, so only a shorter string can still be equal.
        return cached.Length < utf8.Length && !Ascii.IsValid(utf8) && DecodedEqual(cached, utf8);
    }

    private static bool DecodedEqual(string cached, ReadOnlySpan<byte> utf8)
    {
        Span<char> decoded = stackalloc char[MaxBytes];
        int length = Encoding.UTF8.GetChars(utf8, decoded);
        return decoded[..length].SequenceEqual(cached);
    }
}
