using ClientTests.Kube;
using ClientTests.Kube.CoreV1;
using KubeGen.Client.Tests.Emulator;
using KubeGen.Runtime;
using EventsV1Event = ClientTests.Kube.EventsV1.Event;
using CoreV1Event = ClientTests.Kube.CoreV1.Event;

namespace KubeGen.Client.Tests.Controllers;

/// <summary>The event recorder writing through the generated clients' Event calls to the emulator, in both API groups.</summary>
public sealed class EventRecorderEmulatorTests
{
    [Fact]
    public async Task A_hot_loop_of_identical_events_is_one_events_k8s_io_Event_with_a_series()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        KubeClient kube = api.Kube;
        ConfigMap source = await kube.CoreV1.ConfigMaps.CreateAsync(EmulatorHarness.Ns, EmulatorHarness.ConfigMap("app"), cancellationToken: api.Cancel);
        IEventSink sink = EventSinks.EventsV1(
            EventsV1Event.JsonTypeInfo,
            (ns, e, ct) => kube.EventsV1.Events.CreateAsync(ns, e, cancellationToken: ct),
            (ns, name, patch, ct) => kube.EventsV1.Events.PatchAsync(ns, name, patch, cancellationToken: ct));
        var errors = new List<Exception>();
        await using (var recorder = new EventRecorder(sink, new EventRecorderOptions { ReportingController = "example.com/mirror", ReportingInstance = "mirror-0", OnError = errors.Add }))
        {
            for (int i = 0; i < 500; i++)
            {
                recorder.Record(source, KubeEventType.Warning, "ApplyFailed", "Reconcile", "field is immutable");
            }

            recorder.Record(source, KubeEventType.Normal, "Synced", "Reconcile", "copied 1 key");
            await recorder.FlushAsync(api.Cancel);
        }

        Assert.Empty(errors);
        ClientTests.Kube.EventsV1.EventList events = await kube.EventsV1.Events.ListAsync(EmulatorHarness.Ns, cancellationToken: api.Cancel);
        Assert.Equal(2, events.Items!.Count);
        EventsV1Event failed = Assert.Single(events.Items, e => e.Reason == "ApplyFailed");
        Assert.Equal(500, failed.Series!.Count);
        Assert.Equal(("ConfigMap", "app", source.Metadata!.Uid), (failed.Regarding!.Kind, failed.Regarding.Name, failed.Regarding.Uid));
        Assert.Equal(("example.com/mirror", "mirror-0", "Warning", "field is immutable"), (failed.ReportingController, failed.ReportingInstance, failed.Type, failed.Note));
        Assert.Null(Assert.Single(events.Items, e => e.Reason == "Synced").Series);
    }

    [Fact]
    public async Task Core_v1_Events_carry_the_count_when_only_core_events_are_selected()
    {
        await using EmulatorHarness api = await EmulatorHarness.StartAsync();
        KubeClient kube = api.Kube;
        ConfigMap source = await kube.CoreV1.ConfigMaps.CreateAsync(EmulatorHarness.Ns, EmulatorHarness.ConfigMap("app"), cancellationToken: api.Cancel);
        IEventSink sink = EventSinks.CoreV1(
            CoreV1Event.JsonTypeInfo,
            (ns, e, ct) => kube.CoreV1.Events.CreateAsync(ns, e, cancellationToken: ct),
            (ns, name, patch, ct) => kube.CoreV1.Events.PatchAsync(ns, name, patch, cancellationToken: ct));
        await using (var recorder = new EventRecorder(sink, new EventRecorderOptions { ReportingController = "example.com/mirror" }))
        {
            for (int i = 0; i < 3; i++)
            {
                recorder.Record(source, KubeEventType.Normal, "Synced", "Reconcile", "copied 1 key");
            }

            await recorder.FlushAsync(api.Cancel);
        }

        CoreV1Event synced = Assert.Single((await kube.CoreV1.Events.ListAsync(EmulatorHarness.Ns, cancellationToken: api.Cancel)).Items!);
        Assert.Equal(3, synced.Count);
        Assert.Equal(("ConfigMap", "app", "copied 1 key", "example.com/mirror"), (synced.InvolvedObject.Kind, synced.InvolvedObject.Name, synced.Message, synced.Source!.Component));
    }
}
