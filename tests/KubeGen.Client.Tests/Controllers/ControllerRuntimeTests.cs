using System.Collections.Concurrent;
using System.Globalization;
using ClientTests.Kube;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.StableV1;
using KubeGen.Client.Tests.Emulator;
using KubeGen.Runtime;
using KubeGen.Testing;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>
/// The controller runtime (work queue, reconciler host, manager with leader election, apply, finalizers, status) against the
/// API server emulator: a sample controller that mirrors each source ConfigMap into an owned copy by server-side apply.
/// </summary>
public sealed class ControllerRuntimeTests
{
    private const string FieldManager = "mirror-controller";

    private const string Ns = EmulatorHarness.Ns;

    private static KubeObjectClient<ConfigMap> ConfigMaps(KubeClient kube) => new(
        (ns, name, ct) => kube.CoreV1.ConfigMaps.GetAsync(ns!, name, cancellationToken: ct),
        (ns, name, patch, apply, ct) => kube.CoreV1.ConfigMaps.PatchAsync(ns!, name, patch, new() { FieldManager = apply?.FieldManager, Force = apply?.Force }, ct));

    /// <summary>The mirror reconciler: the copy holds the source's value "v", owned by the source; counts reconciles in hand per key.</summary>
    private sealed class Mirror(KubeClient kube, ResourceCache<ConfigMap, ConfigMapList> sources) : IReconciler
    {
        private readonly ConcurrentDictionary<ReconcileRequest, int> _inHand = new();
        private int _maxInHand;

        public int MaxInHandPerKey => Volatile.Read(ref _maxInHand);

        public int Reconciles;

        public async Task<ReconcileResult> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken)
        {
            int inHand = _inHand.AddOrUpdate(request, 1, (_, n) => n + 1);
            InterlockedMax(ref _maxInHand, inHand);
            Interlocked.Increment(ref Reconciles);
            try
            {
                await Task.Yield();
                if (sources.Get(request.Namespace, request.Name) is not { } source)
                {
                    return ReconcileResult.Done; // the copy goes with its owner
                }

                string value = source.Data is { } data && data.TryGetValue("v", out string? v) ? v : "";
                KubeOwnerReference owner = OwnerReferences.ControllerReference(source, ConfigMap.KubeApiVersion, ConfigMap.KubeKind);
                string document = $$$"""
                    {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{request.Name}}}-copy","labels":{"mirror":"copy"},
                     "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"{{{owner.Name}}}","uid":"{{{owner.Uid}}}","controller":true,"blockOwnerDeletion":true}]},
                     "data":{"v":"{{{value}}}"}}
                    """;
                await ConfigMaps(kube).ApplyAsync(request.Namespace, request.Name + "-copy", KubePatch.Apply(document), new ApplyOptions(FieldManager), cancellationToken);
                return ReconcileResult.Done;
            }
            finally
            {
                _inHand.AddOrUpdate(request, 0, (_, n) => n - 1);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }

    /// <summary>One replica: its own connection, caches of sources and copies, the mirror controller, a manager.</summary>
    private sealed class Replica : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;

        public Replica(EmulatorHarness api, string identity, bool elect, int workers = 8)
        {
            Kube = api.Connect();
            Sources = Kube.CoreV1.ConfigMaps.CreateCache(Ns, new() { LabelSelector = "mirror=source" });
            Copies = Kube.CoreV1.ConfigMaps.CreateCache(Ns, new() { LabelSelector = "mirror=copy" });
            Reconciler = new Mirror(Kube, Sources);
            Controller = new Controller(FieldManager, Reconciler, new ControllerOptions { MaxConcurrentReconciles = workers })
                .For(Sources)
                .Owns(Copies, ConfigMap.KubeApiVersion, ConfigMap.KubeKind);
            Controller.ReconcileFailed += f => Failures.Enqueue(f);
            Manager = new ControllerManager(elect
                ? new ControllerManagerOptions
                {
                    LeaderElection = options => Kube.CreateLeaderElector("mirror-controller", Ns, options),
                    Election = new LeaderElectionOptions
                    {
                        Identity = identity,
                        LeaseDuration = TimeSpan.FromSeconds(2),
                        RenewDeadline = TimeSpan.FromSeconds(1.5),
                        RetryPeriod = TimeSpan.FromMilliseconds(200),
                    },
                }
                : null).Add(Controller);
            _stop = CancellationTokenSource.CreateLinkedTokenSource(api.Cancel);
            Run = Manager.RunAsync(_stop.Token);
        }

        public KubeClient Kube { get; }

        public ResourceCache<ConfigMap, ConfigMapList> Sources { get; }

        public ResourceCache<ConfigMap, ConfigMapList> Copies { get; }

        public Mirror Reconciler { get; }

        public Controller Controller { get; }

        public ControllerManager Manager { get; }

        public Task Run { get; }

        public ConcurrentQueue<ReconcileFailure> Failures { get; } = new();

        /// <summary>SIGTERM: drain, release the Lease, stop the caches.</summary>
        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Run.WaitAsync(TimeSpan.FromSeconds(20));
            await Sources.DisposeAsync();
            await Copies.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!Run.IsCompleted)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }
    }

    private static async Task CreateSourcesAsync(EmulatorHarness api, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await api.Kube.CoreV1.ConfigMaps.CreateAsync(Ns, ConfigMapWith("src-" + i.ToString(CultureInfo.InvariantCulture), "v"), cancellationToken: api.Cancel);
        }
    }

    private static ConfigMap ConfigMapWith(string name, string value) => new()
    {
        Metadata = new ClientTests.Kube.MetaV1.ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["mirror"] = "source" } },
        Data = new Dictionary<string, string> { ["v"] = value },
    };

    /// <summary>1,000 changes: ten rounds over 100 sources, each round in a shuffled (seeded) order, from four writers.</summary>
    private static async Task<Dictionary<string, string>> BurstAsync(EmulatorHarness api, int objects, int rounds, Func<int, Task>? afterRound = null)
    {
        var final = new Dictionary<string, string>();
        var random = new Random(17);
        for (int round = 1; round <= rounds; round++)
        {
            int[] order = [.. Enumerable.Range(0, objects).OrderBy(_ => random.Next())];
            string value = round.ToString(CultureInfo.InvariantCulture);
            await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = api.Cancel }, async (i, ct) =>
                await api.Kube.CoreV1.ConfigMaps.PatchAsync(Ns, "src-" + i.ToString(CultureInfo.InvariantCulture), KubePatch.Merge($$$"""{"data":{"v":"{{{value}}}"}}"""), cancellationToken: ct));
            foreach (int i in order)
            {
                final["src-" + i.ToString(CultureInfo.InvariantCulture)] = value;
            }

            if (afterRound is not null)
            {
                await afterRound(round);
            }
        }

        return final;
    }

    private static async Task ConvergedAsync(EmulatorHarness api, Dictionary<string, string> expected, TimeSpan within)
    {
        DateTime deadline = DateTime.UtcNow + within;
        while (true)
        {
            List<string> behind = [.. expected.Where(e => CopyValue(api, e.Key) != e.Value).Select(e => $"{e.Key}={CopyValue(api, e.Key) ?? "missing"} (want {e.Value})")];
            if (behind.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{behind.Count} copies did not converge: {string.Join(", ", behind.Take(10))}");
            await Task.Delay(50, api.Cancel);
        }
    }

    private static string? CopyValue(EmulatorHarness api, string source)
        => api.Server.GetObject("v1", "ConfigMap", Ns, source + "-copy")?["data"]?["v"]?.GetValue<string>();

    [Fact]
    public async Task A_burst_of_1000_changes_to_100_objects_never_reconciles_a_key_twice_at_once_and_converges()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync(timeoutSeconds: 120);
        await CreateSourcesAsync(api, 100);
        await using var replica = new Replica(api, "solo", elect: false);
        await ConvergedAsync(api, Enumerable.Range(0, 100).ToDictionary(i => "src-" + i, _ => "v"), TimeSpan.FromSeconds(30));

        Dictionary<string, string> final = await BurstAsync(api, 100, 10);
        await ConvergedAsync(api, final, TimeSpan.FromSeconds(60));

        Assert.Equal(1, replica.Reconciler.MaxInHandPerKey);
        Assert.Empty(replica.Failures);
        // Each change reconciles its source and, when the copy changes, once more for the copy's event (a no-op apply changes
        // nothing, so no further event): at most two per change plus the first pass; more would be a loop.
        Assert.InRange(replica.Reconciler.Reconciles, 100, 2 * (100 + 1000));
        ConfigMap copy = await api.Kube.CoreV1.ConfigMaps.GetAsync(Ns, "src-7-copy", cancellationToken: api.Cancel);
        Assert.Equal("src-7", Assert.Single(copy.Metadata!.OwnerReferences!).Name);
        Assert.Contains(copy.Metadata.ManagedFields!, m => m.Manager == FieldManager);
    }

    [Fact]
    public async Task A_leader_change_in_the_middle_of_a_burst_loses_no_key()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync(o => o.BookmarkInterval = TimeSpan.FromSeconds(1), timeoutSeconds: 120);
        await CreateSourcesAsync(api, 100);
        await using var a = new Replica(api, "replica-a", elect: true);
        await WaitAsync(() => a.Manager.IsLeader, "replica-a leads");
        await using var b = new Replica(api, "replica-b", elect: true);
        await WaitAsync(() => b.Manager.IsReady, "replica-b's caches are warm while it stands by");
        Assert.False(b.Manager.IsLeader);

        Dictionary<string, string> final = await BurstAsync(api, 100, 10, async round =>
        {
            if (round == 5)
            {
                await a.StopAsync(); // SIGTERM to the leader: drains, releases the Lease
            }
        });
        await WaitAsync(() => b.Manager.IsLeader, "replica-b takes over");
        await ConvergedAsync(api, final, TimeSpan.FromSeconds(60));

        Assert.True(b.Reconciler.Reconciles > 0);
        Assert.Equal(1, a.Reconciler.MaxInHandPerKey);
        Assert.Equal(1, b.Reconciler.MaxInHandPerKey);
        Assert.DoesNotContain(a.Failures, f => f.Exception is not OperationCanceledException);
    }

    [Fact]
    public async Task A_finalizer_blocks_deletion_until_cleanup_succeeds()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync(timeoutSeconds: 60);
        const string Finalizer = "example.com/external-cleanup";
        KubeClient kube = api.Connect();
        await using ResourceCache<ConfigMap, ConfigMapList> sources = kube.CoreV1.ConfigMaps.CreateCache(Ns, new() { LabelSelector = "mirror=source" });
        int cleanups = 0;
        bool cleanupFixed = false;
        var controller = new Controller("finalizing", async (request, ct) =>
            await Finalizers.ReconcileAsync(
                ConfigMaps(kube),
                sources.Get(request.Namespace, request.Name),
                Finalizer,
                apply: (_, _) => Task.FromResult(ReconcileResult.Done),
                cleanup: (_, _) =>
                {
                    Interlocked.Increment(ref cleanups);
                    return Volatile.Read(ref cleanupFixed)
                        ? Task.FromResult(ReconcileResult.Done)
                        : throw new HttpRequestException("the external system is down");
                },
                ct));
        controller.For(sources);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(api.Cancel);
        Task run = controller.RunAsync(stop.Token);

        await api.Kube.CoreV1.ConfigMaps.CreateAsync(Ns, ConfigMapWith("guarded", "1"), cancellationToken: api.Cancel);
        await WaitAsync(() => Finalizers.Contains(sources.Get(Ns, "guarded") ?? new ConfigMap(), Finalizer), "the finalizer is added");

        await api.Kube.CoreV1.ConfigMaps.DeleteAsync(Ns, "guarded", cancellationToken: api.Cancel);
        await WaitAsync(() => Volatile.Read(ref cleanups) >= 3, "cleanup is tried and retried");
        ConfigMap blocked = await api.Kube.CoreV1.ConfigMaps.GetAsync(Ns, "guarded", cancellationToken: api.Cancel);
        Assert.NotNull(blocked.Metadata!.DeletionTimestamp);
        Assert.Contains(Finalizer, blocked.Metadata.Finalizers!);

        Volatile.Write(ref cleanupFixed, true);
        await WaitAsync(() => api.Server.GetObject("v1", "ConfigMap", Ns, "guarded") is null, "the object goes once cleanup succeeded");
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_apply_conflict_names_the_other_manager_and_its_field()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        KubeObjectClient<ConfigMap> configMaps = ConfigMaps(api.Kube);
        const string Doc = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shared"},"data":{"mode":"%"}}""";
        await configMaps.ApplyAsync(Ns, "shared", KubePatch.Apply(Doc.Replace("%", "slow")), new ApplyOptions("helm", Force: false), api.Cancel);

        ApplyConflictException conflict = await Assert.ThrowsAsync<ApplyConflictException>(() =>
            configMaps.ApplyAsync(Ns, "shared", KubePatch.Apply(Doc.Replace("%", "fast")), new ApplyOptions(FieldManager, Force: false), api.Cancel));
        Assert.Equal(["helm"], conflict.Managers);
        Assert.Equal(".data.mode", Assert.Single(conflict.Conflicts).Field);
        Assert.Contains("helm", conflict.Message, StringComparison.Ordinal);

        ConfigMap taken = await configMaps.ApplyAsync(Ns, "shared", KubePatch.Apply(Doc.Replace("%", "fast")), new ApplyOptions(FieldManager, Force: true), api.Cancel);
        Assert.Equal("fast", taken.Data!["mode"]);
    }

    [Fact]
    public async Task A_status_update_that_conflicts_reads_again_and_sets_the_condition_once()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        var cronTabs = new KubeObjectClient<CronTab>(
            (ns, name, ct) => api.Kube.StableV1.CronTabs.GetAsync(ns!, name, cancellationToken: ct),
            (ns, name, patch, apply, ct) => api.Kube.StableV1.CronTabs.PatchAsync(ns!, name, patch, new() { FieldManager = apply?.FieldManager, Force = apply?.Force }, ct),
            replaceStatus: (ns, name, body, ct) => api.Kube.StableV1.CronTabs.ReplaceStatusAsync(ns!, name, body, cancellationToken: ct));
        CronTab created = await api.Kube.StableV1.CronTabs.CreateAsync(Ns, new CronTab
        {
            Metadata = new ClientTests.Kube.MetaV1.ObjectMeta { Name = "nightly" },
            Spec = new CronTabSpec { CronSpec = "0 3 * * *", Image = "backup:1" },
        }, cancellationToken: api.Cancel);

        // Someone else writes after we read: our first write carries a stale resourceVersion and gets 409.
        await api.Kube.StableV1.CronTabs.PatchAsync(Ns, "nightly", KubePatch.Merge("""{"metadata":{"labels":{"touched":"yes"}}}"""), cancellationToken: api.Cancel);
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        int changes = 0;
        CronTab written = await cronTabs.UpdateStatusAsync(created, c => KubeObjects.DeepCopy(c, CronTab.JsonTypeInfo), copy =>
        {
            changes++;
            copy.Status ??= new CronTabStatus();
            copy.Status.Conditions ??= [];
            return Conditions.Set(copy.Status.Conditions, "Ready", Conditions.True, "Scheduled", "next run at 03:00", observedGeneration: null, now);
        }, api.Cancel);

        Assert.Equal(2, changes); // once on the stale copy, once after reading again
        CronTabStatusConditionsItem ready = Assert.Single(written.Status!.Conditions!);
        Assert.Equal(("Ready", "True", "Scheduled"), (ready.Type, ready.Status, ready.Reason));
        Assert.Equal(now, ready.LastTransitionTime);
        Assert.Null(created.Status); // the cache's object was never changed

        // The same condition again: nothing to write, no request.
        CronTab same = await cronTabs.UpdateStatusAsync(written, c => KubeObjects.DeepCopy(c, CronTab.JsonTypeInfo), copy =>
            Conditions.Set(copy.Status!.Conditions!, "Ready", Conditions.True, "Scheduled", "next run at 03:00", null, now.AddHours(1)), api.Cancel);
        Assert.Same(written, same);
    }

    [Fact]
    public async Task A_cache_streams_its_initial_state_and_falls_back_to_lists_when_refused()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync(o => o.BookmarkInterval = TimeSpan.FromSeconds(1));
        await CreateSourcesAsync(api, 20);
        await using (ResourceCache<ConfigMap, ConfigMapList> streamed = api.Kube.CoreV1.ConfigMaps.CreateCache(Ns, new() { LabelSelector = "mirror=source", InitialList = InitialListMode.Stream }))
        {
            _ = streamed.StartAsync(api.Cancel);
            await streamed.WaitForSyncAsync(api.Cancel).WaitAsync(TimeSpan.FromSeconds(15), api.Cancel);
            Assert.Equal(InitialListMode.Stream, streamed.InitialListUsed);
            Assert.Equal(20, streamed.Count);
            Assert.All(streamed.List(), c => Assert.Null(c.Metadata!.ManagedFields)); // the default transform
            await api.Kube.CoreV1.ConfigMaps.PatchAsync(Ns, "src-3", KubePatch.Merge("""{"data":{"v":"live"}}"""), cancellationToken: api.Cancel);
            await WaitAsync(() => streamed.Get(Ns, "src-3")?.Data?["v"] == "live", "a live change after the stream");
        }

        // An API server without the WatchList feature answers 422 Invalid to sendInitialEvents.
        using IDisposable refuse = api.Server.Faults.Add(FaultMatch.Watch("configmaps"), Fault.Status(422), times: 1);
        var errors = new ConcurrentQueue<Exception>();
        await using ResourceCache<ConfigMap, ConfigMapList> fallback = api.Kube.CoreV1.ConfigMaps.CreateCache(Ns, new() { LabelSelector = "mirror=source", InitialList = InitialListMode.Stream, KeepManagedFields = true });
        fallback.OnError += errors.Enqueue;
        _ = fallback.StartAsync(api.Cancel);
        await fallback.WaitForSyncAsync(api.Cancel).WaitAsync(TimeSpan.FromSeconds(15), api.Cancel);
        Assert.Equal(InitialListMode.List, fallback.InitialListUsed);
        Assert.Equal(20, fallback.Count);
        Assert.IsType<StreamingUnsupportedException>(Assert.Single(errors));
        Assert.All(fallback.List(), c => Assert.NotNull(c.Metadata!.ManagedFields));
    }

    private static async Task WaitAsync(Func<bool> condition, string what, int seconds = 30)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
