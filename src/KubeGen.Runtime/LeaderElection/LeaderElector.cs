namespace KubeGen.Runtime;

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics: acquire, renew every
/// <see cref="LeaderElectionOptions.RetryPeriod"/>, give up leading when a renewal has not succeeded within
/// <see cref="LeaderElectionOptions.RenewDeadline"/>, release on cancellation.
/// </summary>
/// <remarks>
/// <para>Clock-skew tolerant: a non-leader judges expiry from when <em>it</em> saw the Lease record last change
/// (on its own monotonic clock) plus <see cref="LeaderElectionOptions.LeaseDuration"/>, never from the holder's
/// renewTime. The leader counts its deadline from when it <em>sent</em> its last successful renewal, which is before
/// anyone can have observed it, so a leader always stops believing it leads at least
/// LeaseDuration − RenewDeadline before any other elector may take over.</para>
/// <para>Every write carries the resourceVersion it read; a 409 (someone else wrote first) or any other error
/// just means "try again after the retry period".</para>
/// <para>Unlike client-go, which releases the Lease while the leader's work may still run, a cancelled leader keeps
/// renewing until its <see cref="LeaderElectionOptions.OnStartedLeading"/> work has ended, and releases only then:
/// two electors' work never runs at once.</para>
/// </remarks>
public sealed class LeaderElector
{
    private readonly ILeaseStore _store;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private LeaseRecord? _observed;
    private long _observedAt;
    private long _leadingUntil;
    private bool _leading;
    private string? _reportedLeader;
    private int _running;

    /// <summary>Creates an elector for one Lease.</summary>
    public LeaderElector(ILeaseStore store, LeaderElectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new LeaderElectionOptions();
        _options.Validate();
        _time = _options.TimeProvider;
        Identity = _options.ResolveIdentity();
    }

    /// <summary>This elector's holder identity.</summary>
    public string Identity { get; }

    /// <summary>Whether this elector leads now: it holds the Lease and its last renewal is within the renew deadline.</summary>
    public bool IsLeader
    {
        get
        {
            lock (_gate)
            {
                return _leading && _time.GetTimestamp() < _leadingUntil;
            }
        }
    }

    /// <summary>The holder last observed (empty when the Lease is released), or null before the first read.</summary>
    public string? CurrentLeader
    {
        get
        {
            lock (_gate)
            {
                return _observed?.HolderIdentity;
            }
        }
    }

    /// <summary>
    /// Campaigns until this elector leads, leads (renewing) until it loses the Lease or <paramref name="cancellationToken"/>
    /// is cancelled, and returns after the <see cref="LeaderElectionOptions.OnStartedLeading"/> work has finished.
    /// On cancellation the work is told to stop, the Lease is still renewed until it has, and only then released
    /// (when <see cref="LeaderElectionOptions.ReleaseOnCancel"/>), so no other elector can start leading while the
    /// work still runs. Returns normally on cancellation; call it again to campaign again after losing the lead.
    /// </summary>
    /// <exception cref="Exception">Whatever the <see cref="LeaderElectionOptions.OnStartedLeading"/> work threw (other than its cancellation).</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("This elector is already running.");
        }

        try
        {
            if (!await AcquireAsync(cancellationToken).ConfigureAwait(false))
            {
                // Cancelled while campaigning: an acquire the server carried out after this side gave up on its answer
                // leaves the Lease held by an elector that never led, blocking the others for a whole lease duration.
                // Nothing ran as the leader, so clearing it is safe; ReleaseAsync clears it only if this identity holds it.
                if (_options.ReleaseOnCancel && cancellationToken.IsCancellationRequested)
                {
                    await ReleaseAsync().ConfigureAwait(false);
                }

                return;
            }

            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var renewal = new CancellationTokenSource();
            Task work = _options.OnStartedLeading is { } started
                ? Task.Run(() => started(leading.Token), CancellationToken.None)
                : Task.CompletedTask;
            Task<bool> renewing = RenewLoopAsync(renewal.Token);
            try
            {
                await renewing.WaitAsync(cancellationToken).ConfigureAwait(false); // completes by itself only when the lead is lost
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Cancelled: the work (on a linked token) is stopping. Keep renewing until it has stopped, so that the
                // Lease is neither released nor left to expire while the work may still act as the leader.
                await StoppedAsync(work).ConfigureAwait(false);
                await renewal.CancelAsync().ConfigureAwait(false);
            }

            bool stillHeld = await renewing.ConfigureAwait(false);
            lock (_gate)
            {
                _leading = false;
            }

            await leading.CancelAsync().ConfigureAwait(false); // the lead was lost: stop the work now
            await StoppedAsync(work).ConfigureAwait(false);
            _options.OnStoppedLeading?.Invoke();
            if (stillHeld && _options.ReleaseOnCancel && cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }

            try
            {
                await work.ConfigureAwait(false); // has ended: this only surfaces how
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                // The leading work was told to stop.
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private enum Attempt
    {
        Leading,
        HeldByOther,
        Failed,
    }

    private async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            long sent = _time.GetTimestamp();
            using (var request = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                request.CancelAfter(_options.RenewDeadline);
                if (await TryAcquireOrRenewAsync(request.Token).ConfigureAwait(false) == Attempt.Leading)
                {
                    lock (_gate)
                    {
                        _leading = true;
                        _leadingUntil = sent + ToTimestamp(_options.RenewDeadline);
                    }

                    return true;
                }
            }

            if (!await DelayAsync(Jitter(_options.RetryPeriod), cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Renews until a renewal has not succeeded within the renew deadline or another holder is seen (false: the lead is
    /// lost), or until <paramref name="stop"/> (true: stopped while still holding the Lease).
    /// </summary>
    private async Task<bool> RenewLoopAsync(CancellationToken stop)
    {
        while (true)
        {
            if (!await DelayAsync(_options.RetryPeriod, stop, capAtDeadline: true).ConfigureAwait(false))
            {
                return true;
            }

            while (true)
            {
                long now = _time.GetTimestamp();
                long remaining;
                lock (_gate)
                {
                    remaining = _leadingUntil - now;
                }

                if (remaining <= 0)
                {
                    return false; // could not renew in time
                }

                Attempt attempt;
                using (var request = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    request.CancelAfter(FromTimestamp(remaining));
                    attempt = await TryAcquireOrRenewAsync(request.Token).ConfigureAwait(false);
                }

                if (attempt == Attempt.Leading)
                {
                    lock (_gate)
                    {
                        _leadingUntil = now + ToTimestamp(_options.RenewDeadline);
                    }

                    break;
                }

                if (attempt == Attempt.HeldByOther)
                {
                    return false;
                }

                if (stop.IsCancellationRequested || !await DelayAsync(_options.RetryPeriod, stop, capAtDeadline: true).ConfigureAwait(false))
                {
                    return true;
                }
            }
        }
    }

    /// <summary>client-go's tryAcquireOrRenew: read, judge expiry from the local observation time, write with the read resourceVersion.</summary>
    private async Task<Attempt> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        try
        {
            DateTimeOffset now = _time.GetUtcNow();
            int durationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
            LeaseRecord? current = await _store.GetAsync(cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                var created = new LeaseRecord
                {
                    HolderIdentity = Identity,
                    LeaseDurationSeconds = durationSeconds,
                    AcquireTime = now,
                    RenewTime = now,
                    LeaseTransitions = 0,
                };
                Observe(await _store.CreateAsync(created, cancellationToken).ConfigureAwait(false));
                return Attempt.Leading;
            }

            bool heldByMe;
            lock (_gate)
            {
                ObserveLocked(current);
                heldByMe = string.Equals(current.HolderIdentity, Identity, StringComparison.Ordinal);
                bool held = !string.IsNullOrEmpty(current.HolderIdentity);
                bool expired = _time.GetElapsedTime(_observedAt) >= _options.LeaseDuration;
                if (held && !heldByMe && !expired)
                {
                    return Attempt.HeldByOther;
                }
            }

            if (!heldByMe && IsLeaderFlag())
            {
                return Attempt.HeldByOther; // someone took over (or released it) while this elector believed it led
            }

            var desired = new LeaseRecord
            {
                HolderIdentity = Identity,
                LeaseDurationSeconds = durationSeconds,
                AcquireTime = heldByMe ? current.AcquireTime ?? now : now,
                RenewTime = now,
                LeaseTransitions = heldByMe ? current.LeaseTransitions ?? 0 : (current.LeaseTransitions ?? 0) + 1,
                ResourceVersion = current.ResourceVersion,
            };
            Observe(await _store.UpdateAsync(desired, cancellationToken).ConfigureAwait(false));
            return Attempt.Leading;
        }
        catch (Exception)
        {
            // 409 (another writer won), timeouts, connection failures: try again after the retry period.
            return Attempt.Failed;
        }
    }

    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.RenewDeadline, _time);
            LeaseRecord? current = await _store.GetAsync(timeout.Token).ConfigureAwait(false);
            if (current is null || !string.Equals(current.HolderIdentity, Identity, StringComparison.Ordinal))
            {
                return;
            }

            DateTimeOffset now = _time.GetUtcNow();
            Observe(await _store.UpdateAsync(
                new LeaseRecord
                {
                    HolderIdentity = null,
                    LeaseDurationSeconds = 1,
                    AcquireTime = now,
                    RenewTime = now,
                    LeaseTransitions = current.LeaseTransitions,
                    ResourceVersion = current.ResourceVersion,
                },
                timeout.Token).ConfigureAwait(false));
        }
        catch (Exception)
        {
            // Best effort: the Lease then expires after its duration.
        }
    }

    /// <summary>Waits for the leading work to end, however it ends (its exception is read from the task afterwards).</summary>
    private static async Task StoppedAsync(Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Observed by RunAsync once leadership has been handed back.
        }
    }

    private bool IsLeaderFlag()
    {
        lock (_gate)
        {
            return _leading;
        }
    }

    private void Observe(LeaseRecord record)
    {
        lock (_gate)
        {
            ObserveLocked(record);
        }
    }

    private void ObserveLocked(LeaseRecord record)
    {
        if (!Equals(record, _observed))
        {
            _observed = record;
            _observedAt = _time.GetTimestamp();
        }

        string holder = record.HolderIdentity ?? string.Empty;
        if (holder.Length > 0 && !string.Equals(holder, _reportedLeader, StringComparison.Ordinal))
        {
            _reportedLeader = holder;
            _options.OnNewLeader?.Invoke(holder);
        }
    }

    /// <summary>Waits; false when cancelled. With capAtDeadline the wait ends at the renew deadline at the latest.</summary>
    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken, bool capAtDeadline = false)
    {
        if (capAtDeadline)
        {
            long remaining;
            lock (_gate)
            {
                remaining = _leadingUntil - _time.GetTimestamp();
            }

            delay = TimeSpan.FromTicks(Math.Max(0, Math.Min(delay.Ticks, FromTimestamp(Math.Max(0, remaining)).Ticks)));
        }

        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static TimeSpan Jitter(TimeSpan period)
        => period + TimeSpan.FromTicks((long)(period.Ticks * LeaderElectionOptions.JitterFactor * Random.Shared.NextDouble()));

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private TimeSpan FromTimestamp(long ticks) => TimeSpan.FromSeconds((double)ticks / _time.TimestampFrequency);
}
