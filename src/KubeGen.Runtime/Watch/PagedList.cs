using System.Runtime.CompilerServices;

namespace KubeGen.Runtime;

/// <summary>One page of a <see cref="PagedList"/>; <paramref name="StartedOver"/> when the pages before it are to be forgotten.</summary>
internal readonly record struct ListPage<TList>(TList Page, bool StartedOver);

/// <summary>
/// Reads a collection page by page (<c>limit</c>/<c>continue</c>) at its current state, the way client-go's
/// pager does for informers: when a continue token expires between pages (410), the list starts over once,
/// from a fresh consistent read. The last page carries the list's resourceVersion, where a watch continues.
/// </summary>
internal static class PagedList
{
    /// <summary>client-go's page size for informers.</summary>
    public const int DefaultPageSize = 500;

    public static async IAsyncEnumerable<ListPage<TList>> ReadAsync<T, TList>(
        Func<ListRequest, CancellationToken, Task<TList>> list,
        int? pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TList : class, IKubeList<T>
    {
        string? continueToken = null;
        bool restarted = false;
        bool startOver = false;
        while (true)
        {
            TList page;
            try
            {
                page = await list(new ListRequest(continueToken, pageSize, null), cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException ex) when (ex.IsGone && continueToken is not null && !restarted)
            {
                restarted = startOver = true;
                continueToken = null;
                continue;
            }

            bool last = string.IsNullOrEmpty(page.Continue);
            if (last && string.IsNullOrEmpty(page.ResourceVersion))
            {
                // Nothing could watch from such a list without losing or repeating changes.
                throw new InvalidOperationException("The list response has no metadata.resourceVersion, so no watch can continue from it.");
            }

            yield return new ListPage<TList>(page, startOver);
            startOver = false;
            if (last)
            {
                yield break;
            }

            continueToken = page.Continue;
        }
    }
}
