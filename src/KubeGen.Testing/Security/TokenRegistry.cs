using System.Collections.Concurrent;

namespace KubeGen.Testing.Security;

/// <summary>Bearer tokens and the users they authenticate; changeable while the emulator runs.</summary>
internal sealed partial class TokenRegistry
{
    private readonly ConcurrentDictionary<string, (EmulatorUser User, DateTimeOffset? Expires)> _tokens = new(StringComparer.Ordinal);

    public void Add(string token, EmulatorUser user, DateTimeOffset? expires = null) => _tokens[token] = (user, expires);

    public bool Remove(string token) => _tokens.TryRemove(token, out _);

    public EmulatorUser? Authenticate(string? token)
    {
        if (string.IsNullOrEmpty(token) || !_tokens.TryGetValue(token, out (EmulatorUser User, DateTimeOffset? Expires) entry))
        {
            return null;
        }

        if (entry.Expires is { } expires && expires <= DateTimeOffset.UtcNow)
        {
            return null;
        }

        return entry.User;
    }
}
