namespace KubeGen.Runtime.Tests.Infrastructure;

internal static class SecretAssert
{
    /// <summary>Fails when a secret appears anywhere in the exception's ToString (messages, inner exceptions, stack) or its Data.</summary>
    public static void NotIn(Exception exception, params string[] secrets)
    {
        string text = exception.ToString();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            foreach (System.Collections.DictionaryEntry entry in e.Data)
            {
                text += "\n" + entry.Key + "=" + entry.Value;
            }
        }

        foreach (string secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
