using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClientTests.Kube.AppsV1;
using ClientTests.Kube.CoordinationV1;
using ClientTests.Kube.CoreV1;
using ClientTests.Kube.StableV1;
using KubeGen.Client.Tests.Infrastructure;
using KubeGen.Runtime;
using CoreEvent = ClientTests.Kube.CoreV1.Event;
using EventsEvent = ClientTests.Kube.EventsV1.Event;

namespace KubeGen.Client.Tests.Json;

/// <summary>
/// The generated models read what the API server sends into typed values and write it back without
/// losing anything, including fields the spec does not describe.
/// </summary>
public sealed class RoundTripTests
{
    private static readonly DateTimeOffset May1 = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PodReadsIntoTypedValues()
    {
        Pod pod = Read(Samples.Pod, Pod.JsonTypeInfo);

        Assert.Equal("v1", pod.ApiVersion);
        Assert.Equal("Pod", pod.Kind);

        var meta = pod.Metadata!;
        Assert.Equal("web-7d4b9c8f6d-x2x9k", meta.Name);
        Assert.Equal("shop", meta.Namespace);
        Assert.Equal(1L, meta.Generation);
        Assert.Equal(May1.AddHours(10).AddMinutes(20).AddSeconds(30), meta.CreationTimestamp);
        Assert.Equal(TimeSpan.Zero, meta.CreationTimestamp!.Value.Offset);
        Assert.Equal(3, meta.Labels!.Count);
        Assert.Equal("shop", meta.Labels["app.kubernetes.io/part-of"]);
        Assert.Equal("true", meta.Annotations!["prometheus.io/scrape"]);
        var owner = Assert.Single(meta.OwnerReferences!);
        Assert.Equal(("apps/v1", "ReplicaSet", "web-7d4b9c8f6d", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid));
        Assert.True(owner.Controller);
        Assert.True(owner.BlockOwnerDeletion);

        Assert.Equal(2, meta.ManagedFields!.Count);
        var kubelet = meta.ManagedFields[1];
        Assert.Equal(("kubelet", "Update", "FieldsV1", "status"), (kubelet.Manager, kubelet.Operation, kubelet.FieldsType, kubelet.Subresource));
        Assert.Equal(May1.AddHours(10).AddMinutes(20).AddSeconds(35), kubelet.Time);
        JsonElement fields = kubelet.FieldsV1!.Value;
        Assert.Equal(JsonValueKind.Object, fields.GetProperty("f:status").GetProperty("f:conditions").GetProperty("k:{\"type\":\"Ready\"}").GetProperty("f:lastProbeTime").ValueKind);
        Assert.True(meta.ManagedFields[0].FieldsV1!.Value.GetProperty("f:metadata").GetProperty("f:ownerReferences")
            .TryGetProperty("k:{\"uid\":\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\"}", out _));

        var spec = pod.Spec!;
        var init = Assert.Single(spec.InitContainers!);
        Assert.Equal(["/bin/migrate"], init.Command!);
        Assert.Equal(["--up", "--timeout=30s"], init.Args!);
        Assert.Equal("100m", init.Resources!.Requests!["cpu"].ToString());

        var web = Assert.Single(spec.Containers);
        Assert.Equal("web", web.Name);
        Assert.Equal([8080, 9090], web.Ports!.Select(p => p.ContainerPortValue));
        Assert.Equal(["http", "metrics"], web.Ports!.Select(p => p.Name!));
        Assert.Equal(4, web.Env!.Count);
        Assert.Equal("info", web.Env[0].Value);
        Assert.Null(web.Env[0].ValueFrom);
        Assert.Null(web.Env[1].Value);
        Assert.Equal("metadata.name", web.Env[1].ValueFrom!.FieldRef!.FieldPath);
        Assert.Equal(("db", "password"), (web.Env[2].ValueFrom!.SecretKeyRef!.Name, web.Env[2].ValueFrom!.SecretKeyRef!.Key));
        Assert.True(web.Env[3].ValueFrom!.ConfigMapKeyRef!.Optional);

        var requests = web.Resources!.Requests!;
        var limits = web.Resources.Limits!;
        Assert.Equal("250m", requests["cpu"].ToString());
        Assert.Equal(0.25m, requests["cpu"].ToDecimal());
        Assert.Equal("64Mi", requests["memory"].ToString());
        Assert.Equal(64m * 1024 * 1024, requests["memory"].ToDecimal());
        Assert.Equal(QuantityFormat.BinarySI, requests["memory"].Format);
        Assert.Equal("1", limits["cpu"].ToString());
        Assert.Equal(1m, limits["cpu"].ToDecimal());
        Assert.True(limits["cpu"] > requests["cpu"]);
        Assert.Equal(128m * 1024 * 1024, limits["memory"].ToDecimal());

        var liveness = web.LivenessProbe!.HttpGet!;
        Assert.True(liveness.Port!.Value.IsInt);
        Assert.Equal(8080, liveness.Port!.Value.IntValue);
        Assert.Equal("/healthz", liveness.Path);
        var readiness = web.ReadinessProbe!.HttpGet!;
        Assert.False(readiness.Port!.Value.IsInt);
        Assert.Equal("http", readiness.Port!.Value.StringValue);
        Assert.Equal(new IntOrString("http"), readiness.Port);
        Assert.Equal(5, web.ReadinessProbe.PeriodSeconds);

        Assert.Equal(10001L, web.SecurityContext!.RunAsUser);
        Assert.False(web.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], web.SecurityContext.Capabilities!.Drop!);
        Assert.Equal([3000L, 4000L], spec.SecurityContext!.SupplementalGroups!);
        Assert.Equal(2000L, spec.SecurityContext.FsGroup);
        Assert.Equal([300L, 300L], spec.Tolerations!.Select(t => t.TolerationSeconds!.Value));

        Assert.Equal(3, spec.Volumes!.Count);
        var config = spec.Volumes[0].ConfigMap!;
        Assert.Equal(("web-config", 420), (config.Name, config.DefaultMode));
        Assert.Equal(("app.yaml", "app.yaml"), (config.Items![0].Key, config.Items[0].Path));
        Assert.Equal(("web-tls", 256), (spec.Volumes[1].Secret!.SecretName, spec.Volumes[1].Secret!.DefaultMode));
        Assert.Equal("1Gi", spec.Volumes[2].EmptyDir!.SizeLimit!.ToString());
        Assert.Equal(1024m * 1024 * 1024, spec.Volumes[2].EmptyDir!.SizeLimit!.ToDecimal());

        var status = pod.Status!;
        Assert.Equal("Running", status.Phase);
        Assert.Equal(["Initialized", "Ready", "ContainersReady", "PodScheduled"], status.Conditions!.Select(c => c.Type));
        Assert.All(status.Conditions!, c => Assert.Null(c.LastProbeTime));
        Assert.Equal(May1.AddHours(10).AddMinutes(20).AddSeconds(45), status.Conditions![1].LastTransitionTime);
        Assert.Equal(["10.244.1.17", "fd00:10:244:1::11"], status.PodIPs!.Select(ip => ip.Ip));
        Assert.Equal("10.0.0.11", Assert.Single(status.HostIPs!).Ip);
        Assert.Equal(May1.AddHours(10).AddMinutes(20).AddSeconds(30), status.StartTime);

        var initStatus = Assert.Single(status.InitContainerStatuses!);
        Assert.Equal(0, initStatus.State!.Terminated!.ExitCode);
        Assert.Null(initStatus.LastState!.Running);
        Assert.Null(initStatus.LastState.Terminated);
        var webStatus = Assert.Single(status.ContainerStatuses!);
        Assert.Equal(2, webStatus.RestartCount);
        Assert.True(webStatus.Ready);
        Assert.Equal(May1.AddHours(10).AddMinutes(20).AddSeconds(34), webStatus.State!.Running!.StartedAt);
        Assert.Equal((137, "OOMKilled"), (webStatus.LastState!.Terminated!.ExitCode, webStatus.LastState.Terminated.Reason));
    }

    [Fact]
    public void PodFieldsUnknownToTheSpecAreKeptAtEveryLevel()
    {
        Pod pod = Read(Samples.Pod, Pod.JsonTypeInfo);
        JsonObject source = JsonAssert.Object(Samples.Pod);

        // Top level: the nested object is kept exactly as it was sent.
        Assert.Equal(["futureTopLevel"], pod.ExtensionData!.Keys);
        Assert.Equal(
            """{"enabled":true,"weights":[1,2.5,-3],"nested":{"deep":{"deeper":["x",null,{"y":"z"}]}}}""",
            pod.ExtensionData["futureTopLevel"].GetRawText());

        Assert.Equal(["preemptionPolicy"], pod.Spec!.ExtensionData!.Keys);
        Assert.Equal("PreemptLowerPriority", pod.Spec.ExtensionData["preemptionPolicy"].GetString());
        var web = pod.Spec.Containers[0];
        Assert.Equal(["resizePolicy"], web.ExtensionData!.Keys);
        JsonAssert.Equivalent(source["spec"]!["containers"]![0]!["resizePolicy"], web.ExtensionData["resizePolicy"].GetRawText());
        Assert.Equal(["resourceClaimStatuses"], pod.Status!.ExtensionData!.Keys);
        var webStatus = pod.Status.ContainerStatuses![0];
        Assert.Equal("""{"linux":{"uid":10001,"gid":0,"supplementalGroups":[0,2000,3000,4000]}}""", webStatus.ExtensionData!["user"].GetRawText());

        // Known objects carry no extension data.
        Assert.Null(pod.Metadata!.ExtensionData);
        Assert.Null(web.Resources!.ExtensionData);

        string written = Write(pod, Pod.JsonTypeInfo);
        JsonObject output = JsonAssert.Object(written);
        JsonAssert.Equivalent(source["futureTopLevel"], output["futureTopLevel"]);
        JsonAssert.Equivalent(source["status"]!["containerStatuses"]![0]!["user"], output["status"]!["containerStatuses"]![0]!["user"]);
        JsonAssert.Equivalent(source["status"]!["resourceClaimStatuses"], output["status"]!["resourceClaimStatuses"]);
    }

    [Fact]
    public void PodRoundTripsToTheSameJson()
    {
        Pod pod = Read(Samples.Pod, Pod.JsonTypeInfo);
        string written = Write(pod, Pod.JsonTypeInfo);

        // The only difference allowed: the API server's explicit nulls for zero optional values are omitted
        // (null and absent mean the same to the API server).
        JsonAssert.Equivalent(JsonAssert.WithoutNulls(Samples.Pod), written);
        Assert.All(JsonAssert.Object(written)["status"]!["conditions"]!.AsArray(), c => Assert.False(c!.AsObject().ContainsKey("lastProbeTime")));

        // Writing what was read is stable.
        Assert.Equal(written, Write(Read(written, Pod.JsonTypeInfo), Pod.JsonTypeInfo));
    }

    [Fact]
    public void DeploymentRoundTrips()
    {
        Deployment deployment = Read(Samples.Deployment, Deployment.JsonTypeInfo);

        Assert.Equal(("apps/v1", "Deployment"), (deployment.ApiVersion, deployment.Kind));
        var spec = deployment.Spec!;
        Assert.Equal(3, spec.Replicas);
        Assert.Equal("web", spec.Selector.MatchLabels!["app"]);
        var expression = Assert.Single(spec.Selector.MatchExpressions!);
        Assert.Equal(("tier", "In"), (expression.Key, expression.Operator));
        Assert.Equal(["frontend", "edge"], expression.Values!);
        Assert.Null(spec.Template.Metadata!.CreationTimestamp);
        Assert.Equal("frontend", spec.Template.Metadata.Labels!["tier"]);
        Assert.Equal("250m", spec.Template.Spec!.Containers[0].Resources!.Requests!["cpu"].ToString());
        var rolling = spec.Strategy!.RollingUpdate!;
        Assert.True(rolling.MaxUnavailable!.Value.IsInt);
        Assert.Equal(0, rolling.MaxUnavailable.Value.IntValue);
        Assert.False(rolling.MaxSurge!.Value.IsInt);
        Assert.Equal("25%", rolling.MaxSurge.Value.StringValue);
        Assert.Equal(600, spec.ProgressDeadlineSeconds);

        var status = deployment.Status!;
        Assert.Equal(7L, status.ObservedGeneration);
        Assert.Equal(["Available", "Progressing"], status.Conditions!.Select(c => c.Type));
        Assert.Equal(new DateTimeOffset(2024, 4, 20, 8, 0, 0, TimeSpan.Zero), status.Conditions![1].LastTransitionTime);
        Assert.Equal("ReplicaSet \"web-7d4b9c8f6d\" has successfully progressed.", status.Conditions[1].Message);
        Assert.Equal(0, status.ExtensionData!["terminatingReplicas"].GetInt32());

        string written = Write(deployment, Deployment.JsonTypeInfo);
        JsonAssert.Equivalent(JsonAssert.WithoutNulls(Samples.Deployment), written);
    }

    [Fact]
    public void LeaseKeepsMicroTimeToTheMicrosecond()
    {
        Lease lease = Read(Samples.Lease, Lease.JsonTypeInfo);

        var spec = lease.Spec!;
        Assert.Equal("shop-operator-5f6d7c8b9-abcde_4c1f9e2a", spec.HolderIdentity);
        Assert.Equal(15, spec.LeaseDurationSeconds);
        Assert.Equal(3, spec.LeaseTransitions);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 25, 31, TimeSpan.Zero).AddTicks(6_543_210), spec.RenewTime);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero).AddTicks(1_000_000), spec.AcquireTime);

        string written = Write(lease, Lease.JsonTypeInfo);
        JsonAssert.Equivalent(Samples.Lease, written);
        JsonObject output = JsonAssert.Object(written);
        Assert.Equal("2024-05-01T10:25:31.654321Z", output["spec"]!["renewTime"]!.GetValue<string>());
        Assert.Equal("2024-05-01T10:20:30.100000Z", output["spec"]!["acquireTime"]!.GetValue<string>());

        // A renewal written from C#: sub-microsecond ticks are truncated, never rounded.
        spec.RenewTime = new DateTimeOffset(2024, 5, 1, 10, 25, 46, TimeSpan.Zero).AddTicks(9_999_999);
        Assert.Equal("2024-05-01T10:25:46.999999Z", JsonAssert.Object(Write(lease, Lease.JsonTypeInfo))["spec"]!["renewTime"]!.GetValue<string>());
    }

    [Fact]
    public void SecretDataIsBase64OnTheWireAndBytesInCSharp()
    {
        Secret secret = Read(Samples.Secret, Secret.JsonTypeInfo);

        Assert.Equal("kubernetes.io/tls", secret.Type);
        Assert.True(secret.Immutable);
        Assert.Equal(3, secret.Data!.Count);
        Assert.Equal("s3cr3t"u8.ToArray(), secret.Data["password"]);
        Assert.Equal(new byte[] { 0x00, 0xFF, 0x10, 0x80, 0x7F }, secret.Data["binary"]);
        Assert.Empty(secret.Data["empty"]);

        string written = Write(secret, Secret.JsonTypeInfo);
        JsonAssert.Equivalent(Samples.Secret, written);

        secret.Data["password"] = Encoding.UTF8.GetBytes("n3w-pässword");
        Assert.Equal(
            Convert.ToBase64String(Encoding.UTF8.GetBytes("n3w-pässword")),
            JsonAssert.Object(Write(secret, Secret.JsonTypeInfo))["data"]!["password"]!.GetValue<string>());
    }

    [Fact]
    public void CustomResourceRoundTripsWithFreeFormAndOddlyNamedFields()
    {
        CronTab cronTab = Read(Samples.CronTab, CronTab.JsonTypeInfo);

        Assert.Equal(("stable.example.com/v1", "CronTab"), (cronTab.ApiVersion, cronTab.Kind));
        Assert.Equal(("stable.example.com/v1", "CronTab"), (CronTab.KubeApiVersion, CronTab.KubeKind));
        Assert.Equal(["stable.example.com/cleanup"], cronTab.Metadata!.Finalizers!);
        Assert.Equal(7L, cronTab.CronTabValue!.Revision);

        var spec = cronTab.Spec!;
        Assert.Equal("0 3 * * *", spec.CronSpec);
        Assert.Equal("gold", spec.Class);
        Assert.Equal("batch-jobs", spec.Namespace);
        Assert.Equal(("Warning", "Overrun"), (spec.Event!.Type, spec.Event.Reason));
        Assert.Equal("ClusterFirst", spec.DnsPolicy);
        Assert.Equal("Forbid", spec.ConcurrencyPolicy);
        Assert.False(spec.Suspend);
        Assert.Equal(3L, spec.Replicas);
        Assert.Equal("50%", spec.MaxSurge!.Value.StringValue);
        Assert.True(spec.MaxUnavailable!.Value.IsInt);
        Assert.Equal(1, spec.MaxUnavailable.Value.IntValue);
        Assert.Equal("runs after the backup", spec.Note!.Value.GetString());

        // preserve-unknown-fields: the JSON exactly as sent.
        Assert.Equal(
            """{"retries":3,"backoff":{"initial":"1s","factor":2.5,"jitter":true},"targets":["a",{"b":[1,2,{"c":null}]}],"empty":{},"text":"\u017elu\u0165ou\u010dk\u00fd k\u016f\u0148 \u2603"}""",
            spec.Config!.Value.GetRawText());
        Assert.Equal("žluťoučký kůň ☃", spec.Config.Value.GetProperty("text").GetString());
        Assert.Equal(2.5, spec.Config.Value.GetProperty("backoff").GetProperty("factor").GetDouble());

        Assert.Equal(["eu-west-1a", "eu-west-1b"], spec.LabelsByZone!.Keys);
        Assert.Equal("r1", spec.LabelsByZone["eu-west-1a"]["rack"]);
        Assert.Empty(spec.LabelsByZone["eu-west-1b"]);
        Assert.Equal(2L, spec.Workers!["small"].Size);
        Assert.Equal("500m", spec.Workers["small"].Cpu!.Value.StringValue);
        Assert.Equal("ssd", spec.Workers["small"].NodeSelector!["disk"]);
        Assert.Equal(4, spec.Workers["large"].Cpu!.Value.IntValue);
        Assert.Equal([0.75, 1.5], spec.Schedules!.Select(s => s.Weight!.Value));
        Assert.Equal("Europe/Prague", spec.Schedules![0].TimeZone);
        Assert.Equal(["nightly", "batch"], spec.Tags!);
        Assert.Equal(("batch/v1", "Job"), (spec.JobTemplate!.ApiVersion, spec.JobTemplate.Kind));
        Assert.Equal("nightly", spec.JobTemplate.Metadata!.Value.GetProperty("labels").GetProperty("job").GetString());
        Assert.Equal(2, spec.JobTemplate.Spec!.BackoffLimit);
        Assert.Equal("""{"x":[true,{"y":1e3}]}""", spec.ExtensionData!["futureSpecField"].GetRawText());

        Assert.Equal(new DateTimeOffset(2024, 5, 2, 3, 0, 0, TimeSpan.Zero), cronTab.Status!.LastScheduleTime);
        Assert.Equal("True", Assert.Single(cronTab.Status.Conditions!).Status);

        string written = Write(cronTab, CronTab.JsonTypeInfo);
        JsonAssert.Equivalent(Samples.CronTab, written);
        JsonObject writtenSpec = JsonAssert.Object(written)["spec"]!.AsObject();
        Assert.True(writtenSpec.ContainsKey("class"));
        Assert.True(writtenSpec.ContainsKey("namespace"));
        Assert.True(writtenSpec.ContainsKey("event"));
        Assert.True(writtenSpec.ContainsKey("dns-policy"));
        Assert.True(JsonAssert.Object(written).ContainsKey("cronTab"));
    }

    [Fact]
    public void CustomResourceBuiltInCSharpWritesTheSpecNames()
    {
        var cronTab = new CronTab
        {
            Metadata = new ClientTests.Kube.MetaV1.ObjectMeta { Name = "hourly" },
            CronTabValue = new CronTabCronTab { Revision = 1 },
            Spec = new CronTabSpec
            {
                CronSpec = "0 * * * *",
                Image = "busybox:1.36",
                Class = "bronze",
                Namespace = "jobs",
                DnsPolicy = "None",
                Event = new CronTabSpecEvent { Type = "Normal" },
                MaxSurge = 2,
                MaxUnavailable = "10%",
                Config = JsonDocument.Parse("""{"k":[1,"two"]}""").RootElement,
                LabelsByZone = new Dictionary<string, IDictionary<string, string>> { ["z1"] = new Dictionary<string, string> { ["a"] = "b" } },
                Workers = new Dictionary<string, CronTabSpecWorkersValue> { ["w"] = new() { Size = 1, Cpu = "250m" } },
            },
        };

        JsonAssert.Equivalent(
            """
            {
              "metadata": {"name": "hourly"},
              "cronTab": {"revision": 1},
              "spec": {
                "cronSpec": "0 * * * *",
                "image": "busybox:1.36",
                "class": "bronze",
                "namespace": "jobs",
                "dns-policy": "None",
                "event": {"type": "Normal"},
                "maxSurge": 2,
                "maxUnavailable": "10%",
                "config": {"k": [1, "two"]},
                "labelsByZone": {"z1": {"a": "b"}},
                "workers": {"w": {"size": 1, "cpu": "250m"}}
              }
            }
            """,
            Write(cronTab, CronTab.JsonTypeInfo));
    }

    [Fact]
    public void CustomResourceDateTimeKeepsFractionalSeconds()
    {
        // A CRD's format: date-time is any RFC 3339 time (controller-gen emits it for metav1.MicroTime fields too);
        // the API server stores it as sent. Writing it back must not change it.
        string json = """
            {"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"n"},
             "spec":{"cronSpec":"* * * * *","image":"i"},
             "status":{"lastScheduleTime":"2024-05-02T03:00:00.123456Z",
                       "conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2024-05-02T03:00:05.5Z"}]}}
            """;
        CronTab cronTab = Read(json, CronTab.JsonTypeInfo);
        Assert.Equal(new DateTimeOffset(2024, 5, 2, 3, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), cronTab.Status!.LastScheduleTime);

        JsonAssert.Equivalent(json, Write(cronTab, CronTab.JsonTypeInfo));
    }

    [Fact]
    public void CoreEventAndEventsEventAreDistinctTypes()
    {
        Assert.NotEqual(typeof(CoreEvent), typeof(EventsEvent));
        Assert.Equal("ClientTests.Kube.CoreV1", typeof(CoreEvent).Namespace);
        Assert.Equal("ClientTests.Kube.EventsV1", typeof(EventsEvent).Namespace);
        Assert.Equal(("v1", "Event"), (CoreEvent.KubeApiVersion, CoreEvent.KubeKind));
        Assert.Equal(("events.k8s.io/v1", "Event"), (EventsEvent.KubeApiVersion, EventsEvent.KubeKind));
        Assert.NotEqual(typeof(ClientTests.Kube.CoreV1.EventSeries), typeof(ClientTests.Kube.EventsV1.EventSeries));

        CoreEvent core = Read(Samples.CoreEvent, CoreEvent.JsonTypeInfo);
        Assert.Equal(5, core.Count);
        Assert.Equal("BackOff", core.Reason);
        Assert.Equal(("Pod", "web-7d4b9c8f6d-x2x9k", "spec.containers{web}"), (core.InvolvedObject.Kind, core.InvolvedObject.Name, core.InvolvedObject.FieldPath));
        Assert.Equal(("kubelet", "node-1"), (core.Source!.Component, core.Source.Host));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 25, 0, TimeSpan.Zero), core.LastTimestamp);
        Assert.Null(core.EventTime);
        Assert.Null(core.ExtensionData);
        JsonAssert.Equivalent(JsonAssert.WithoutNulls(Samples.CoreEvent), Write(core, CoreEvent.JsonTypeInfo));

        EventsEvent events = Read(Samples.EventsEvent, EventsEvent.JsonTypeInfo);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 21, 0, TimeSpan.Zero).AddTicks(1_234_560), events.EventTime);
        Assert.Equal(5, events.Series!.Count);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 25, 0, TimeSpan.Zero).AddTicks(6_543_210), events.Series.LastObservedTime);
        Assert.Equal("Scaled web from 2 to 3 replicas", events.Note);
        Assert.Equal(("Deployment", "web"), (events.Regarding!.Kind, events.Regarding.Name));
        Assert.Null(events.ExtensionData);
        JsonAssert.Equivalent(Samples.EventsEvent, Write(events, EventsEvent.JsonTypeInfo));

        // The same JSON read as the other group's Event: the fields it does not have are kept, not lost.
        CoreEvent crossRead = Read(Samples.EventsEvent, CoreEvent.JsonTypeInfo);
        Assert.Null(crossRead.Count);
        Assert.Equal("Scaled web from 2 to 3 replicas", crossRead.ExtensionData!["note"].GetString());
        JsonAssert.Equivalent(Samples.EventsEvent, Write(crossRead, CoreEvent.JsonTypeInfo));
    }

    private static T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        => JsonSerializer.Deserialize(json, typeInfo) ?? throw new InvalidOperationException("The JSON is null.");

    private static string Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        => JsonSerializer.Serialize(value, typeInfo);
}
