namespace KubeGen.Runtime.Tests.LeaderElection;

/// <summary>
/// An elector cancelled while its acquire is in flight: the server may have carried the write out although this side never
/// saw the answer. The Lease must not stay held by an elector that never led (the others would wait a lease duration).
/// </summary>
public sealed class CancelledCampaignTests
{
    /// <summary>
    /// A store whose create is carried out (the record is stored) but whose answer never arrives: the call waits until it is
    /// cancelled, as an HTTP request the server finished but the client cancelled does.
    /// </summary>
    private sealed class AnswerLostStore : ILeaseStore
    {
        private LeaseRecord? _stored;
        private int _version;

        public TaskCompletionSource CreateCarriedOut { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LeaseRecord? Stored => _stored;

        public string Description => "default/answer-lost";

        public Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_stored);

        public async Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
        {
            _stored = Versioned(record);
            CreateCarriedOut.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public Task<LeaseRecord> UpdateAsync(LeaseRecord record, CancellationToken cancellationToken)
        {
            if (_stored is null || record.ResourceVersion != _stored.ResourceVersion)
            {
                throw new InvalidOperationException("409 Conflict");
            }

            _stored = Versioned(record);
            return Task.FromResult(_stored);
        }

        private LeaseRecord Versioned(LeaseRecord record)
            => record with { ResourceVersion = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
    }

    [Fact]
    public async Task A_campaign_cancelled_after_the_server_took_the_Lease_releases_it()
    {
        var store = new AnswerLostStore();
        bool led = false;
        var elector = new LeaderElector(store, new LeaderElectionOptions
        {
            Identity = "replica-0",
            RenewDeadline = TimeSpan.FromMinutes(5), // the acquire's own deadline never fires: the test cancels it
            LeaseDuration = TimeSpan.FromMinutes(10),
            OnStartedLeading = _ => { led = true; return Task.CompletedTask; },
        });
        using var stop = new CancellationTokenSource();

        Task run = elector.RunAsync(stop.Token);
        await store.CreateCarriedOut.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal("replica-0", store.Stored!.HolderIdentity); // the server holds it for replica-0 now
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.False(led);
        Assert.True(string.IsNullOrEmpty(store.Stored!.HolderIdentity), $"The Lease is still held by '{store.Stored.HolderIdentity}'.");
    }

    [Fact]
    public async Task Without_ReleaseOnCancel_the_Lease_is_left_to_expire()
    {
        var store = new AnswerLostStore();
        var elector = new LeaderElector(store, new LeaderElectionOptions
        {
            Identity = "replica-0",
            RenewDeadline = TimeSpan.FromMinutes(5),
            LeaseDuration = TimeSpan.FromMinutes(10),
            ReleaseOnCancel = false,
        });
        using var stop = new CancellationTokenSource();

        Task run = elector.RunAsync(stop.Token);
        await store.CreateCarriedOut.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal("replica-0", store.Stored!.HolderIdentity);
    }
}
