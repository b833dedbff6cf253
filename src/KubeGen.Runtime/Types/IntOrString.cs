using System.Globalization;

namespace KubeGen.Runtime;

/// <summary>
/// Kubernetes <c>intstr.IntOrString</c>: a value that is either a 32-bit integer or a string
/// (for example a container port given as <c>8080</c> or as the port name <c>"http"</c>).
/// </summary>
/// <remarks>
/// The default value is the integer <c>0</c>. An integer and a string are never equal, even when the
/// string spells the same number (<c>5</c> and <c>"5"</c> differ, as they do in Kubernetes).
/// </remarks>
public readonly struct IntOrString : IEquatable<IntOrString>
{
    private readonly int _int;
    private readonly string? _string;

    /// <summary>Creates an integer value.</summary>
    /// <param name="value">The integer.</param>
    public IntOrString(int value)
    {
        _int = value;
        _string = null;
    }

    /// <summary>Creates a string value.</summary>
    /// <param name="value">The string; must not be <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public IntOrString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _int = 0;
        _string = value;
    }

    /// <summary>Gets a value indicating whether this value holds an integer.</summary>
    public bool IsInt => _string is null;

    /// <summary>Gets the integer.</summary>
    /// <exception cref="InvalidOperationException">The value holds a string.</exception>
    public int IntValue => _string is null
        ? _int
        : throw new InvalidOperationException($"This IntOrString holds the string \"{_string}\", not an integer.");

    /// <summary>Gets the string, or <see langword="null"/> when the value holds an integer.</summary>
    public string? StringValue => _string;

    /// <summary>Converts an integer to an <see cref="IntOrString"/>.</summary>
    /// <param name="value">The integer.</param>
    public static implicit operator IntOrString(int value) => new(value);

    /// <summary>Converts a string to an <see cref="IntOrString"/>.</summary>
    /// <param name="value">The string; must not be <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static implicit operator IntOrString(string value) => new(value);

    /// <summary>Compares two values for equality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when both hold the same integer or the same (ordinal) string.</returns>
    public static bool operator ==(IntOrString left, IntOrString right) => left.Equals(right);

    /// <summary>Compares two values for inequality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when the values differ in kind or content.</returns>
    public static bool operator !=(IntOrString left, IntOrString right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(IntOrString other)
    {
        if (_string is null)
        {
            return other._string is null && _int == other._int;
        }

        return other._string is not null && string.Equals(_string, other._string, StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IntOrString other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _string is null
        ? HashCode.Combine(0, _int)
        : HashCode.Combine(1, StringComparer.Ordinal.GetHashCode(_string));

    /// <summary>Returns the integer in invariant culture, or the string.</summary>
    /// <returns>The text of the value.</returns>
    public override string ToString() => _string ?? _int.ToString(CultureInfo.InvariantCulture);
}
