namespace KubeGen.Client.Tests.Json;

/// <summary>Objects as kube-apiserver returns them (same field layout and value formats), plus fields this spec does not know.</summary>
internal static class Samples
{
    /// <summary>
    /// A running Pod of a Deployment. Unknown to the fixture spec (as if from a newer server): the top-level
    /// <c>futureTopLevel</c>, <c>spec.preemptionPolicy</c>, <c>containers[0].resizePolicy</c>,
    /// <c>containerStatuses[0].user</c> and <c>status.resourceClaimStatuses</c>. The API server writes a zero
    /// <c>lastProbeTime</c> as JSON null.
    /// </summary>
    public const string Pod = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {
            "name": "web-7d4b9c8f6d-x2x9k",
            "generateName": "web-7d4b9c8f6d-",
            "namespace": "shop",
            "uid": "6f0b3c1e-2a44-4d55-9a8e-1b2c3d4e5f60",
            "resourceVersion": "48213",
            "generation": 1,
            "creationTimestamp": "2024-05-01T10:20:30Z",
            "labels": {
              "app": "web",
              "app.kubernetes.io/part-of": "shop",
              "pod-template-hash": "7d4b9c8f6d"
            },
            "annotations": {
              "kubectl.kubernetes.io/restartedAt": "2024-05-01T10:20:00Z",
              "prometheus.io/scrape": "true"
            },
            "ownerReferences": [
              {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": "web-7d4b9c8f6d",
                "uid": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                "controller": true,
                "blockOwnerDeletion": true
              }
            ],
            "managedFields": [
              {
                "manager": "kube-controller-manager",
                "operation": "Update",
                "apiVersion": "v1",
                "time": "2024-05-01T10:20:30Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{}}}}}}
              },
              {
                "manager": "kubelet",
                "operation": "Update",
                "apiVersion": "v1",
                "time": "2024-05-01T10:20:35Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:lastProbeTime":{},"f:status":{}}},"f:podIPs":{}}},
                "subresource": "status"
              }
            ]
          },
          "spec": {
            "initContainers": [
              {
                "name": "migrate",
                "image": "registry.example.com/shop/migrate:1.4.2",
                "command": ["/bin/migrate"],
                "args": ["--up", "--timeout=30s"],
                "resources": {"requests": {"cpu": "100m", "memory": "32Mi"}},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent"
              }
            ],
            "containers": [
              {
                "name": "web",
                "image": "registry.example.com/shop/web:1.4.2",
                "ports": [
                  {"name": "http", "containerPort": 8080, "protocol": "TCP"},
                  {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}
                ],
                "env": [
                  {"name": "LOG_LEVEL", "value": "info"},
                  {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                  {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                  {"name": "FEATURE_FLAGS", "valueFrom": {"configMapKeyRef": {"name": "flags", "key": "web", "optional": true}}}
                ],
                "resources": {
                  "limits": {"cpu": "1", "memory": "128Mi"},
                  "requests": {"cpu": "250m", "memory": "64Mi"}
                },
                "volumeMounts": [
                  {"name": "config", "readOnly": true, "mountPath": "/etc/web"},
                  {"name": "cache", "mountPath": "/var/cache/web"}
                ],
                "livenessProbe": {
                  "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                  "initialDelaySeconds": 10,
                  "timeoutSeconds": 1,
                  "periodSeconds": 10,
                  "successThreshold": 1,
                  "failureThreshold": 3
                },
                "readinessProbe": {
                  "httpGet": {"path": "/ready", "port": "http", "scheme": "HTTP"},
                  "timeoutSeconds": 1,
                  "periodSeconds": 5,
                  "successThreshold": 1,
                  "failureThreshold": 3
                },
                "securityContext": {
                  "capabilities": {"drop": ["ALL"]},
                  "runAsUser": 10001,
                  "runAsNonRoot": true,
                  "readOnlyRootFilesystem": true,
                  "allowPrivilegeEscalation": false
                },
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent",
                "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "NotRequired"}]
              }
            ],
            "volumes": [
              {"name": "config", "configMap": {"name": "web-config", "items": [{"key": "app.yaml", "path": "app.yaml"}], "defaultMode": 420}},
              {"name": "tls", "secret": {"secretName": "web-tls", "defaultMode": 256}},
              {"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}}
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "web",
            "nodeName": "node-1",
            "securityContext": {"runAsNonRoot": true, "supplementalGroups": [3000, 4000], "fsGroup": 2000},
            "schedulerName": "default-scheduler",
            "tolerations": [
              {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
              {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            ],
            "priority": 0,
            "enableServiceLinks": true,
            "preemptionPolicy": "PreemptLowerPriority"
          },
          "status": {
            "phase": "Running",
            "conditions": [
              {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2024-05-01T10:20:33Z"},
              {"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2024-05-01T10:20:45Z"},
              {"type": "ContainersReady", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2024-05-01T10:20:45Z"},
              {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2024-05-01T10:20:30Z"}
            ],
            "hostIP": "10.0.0.11",
            "hostIPs": [{"ip": "10.0.0.11"}],
            "podIP": "10.244.1.17",
            "podIPs": [{"ip": "10.244.1.17"}, {"ip": "fd00:10:244:1::11"}],
            "startTime": "2024-05-01T10:20:30Z",
            "initContainerStatuses": [
              {
                "name": "migrate",
                "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": "2024-05-01T10:20:31Z", "finishedAt": "2024-05-01T10:20:33Z", "containerID": "containerd://1f2e3d4c"}},
                "lastState": {},
                "ready": true,
                "restartCount": 0,
                "image": "registry.example.com/shop/migrate:1.4.2",
                "imageID": "registry.example.com/shop/migrate@sha256:5b1e3c",
                "containerID": "containerd://1f2e3d4c",
                "started": false
              }
            ],
            "containerStatuses": [
              {
                "name": "web",
                "state": {"running": {"startedAt": "2024-05-01T10:20:34Z"}},
                "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": "2024-05-01T09:00:00Z", "finishedAt": "2024-05-01T10:20:30Z", "containerID": "containerd://0a0b0c0d"}},
                "ready": true,
                "restartCount": 2,
                "image": "registry.example.com/shop/web:1.4.2",
                "imageID": "registry.example.com/shop/web@sha256:9f8e7d",
                "containerID": "containerd://5e6f7a8b",
                "started": true,
                "user": {"linux":{"uid":10001,"gid":0,"supplementalGroups":[0,2000,3000,4000]}}
              }
            ],
            "qosClass": "Burstable",
            "resourceClaimStatuses": [{"name": "gpu", "resourceClaimName": "web-7d4b9c8f6d-x2x9k-gpu-5xk2v"}]
          },
          "futureTopLevel": {"enabled":true,"weights":[1,2.5,-3],"nested":{"deep":{"deeper":["x",null,{"y":"z"}]}}}
        }
        """;

    /// <summary>
    /// A Deployment; <c>status.terminatingReplicas</c> is unknown to the spec. The template's zero
    /// <c>creationTimestamp</c> is JSON null, as older API servers write it.
    /// </summary>
    public const string Deployment = """
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "metadata": {
            "name": "web",
            "namespace": "shop",
            "uid": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            "resourceVersion": "48100",
            "generation": 7,
            "creationTimestamp": "2024-04-20T08:00:00Z",
            "labels": {"app": "web"},
            "annotations": {"deployment.kubernetes.io/revision": "5"}
          },
          "spec": {
            "replicas": 3,
            "selector": {
              "matchLabels": {"app": "web"},
              "matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend", "edge"]}]
            },
            "template": {
              "metadata": {"creationTimestamp": null, "labels": {"app": "web", "tier": "frontend"}},
              "spec": {
                "containers": [
                  {
                    "name": "web",
                    "image": "registry.example.com/shop/web:1.4.2",
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}
                  }
                ],
                "restartPolicy": "Always",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst"
              }
            },
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}},
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600
          },
          "status": {
            "observedGeneration": 7,
            "replicas": 3,
            "updatedReplicas": 3,
            "readyReplicas": 3,
            "availableReplicas": 3,
            "terminatingReplicas": 0,
            "conditions": [
              {
                "type": "Available",
                "status": "True",
                "lastUpdateTime": "2024-05-01T10:20:45Z",
                "lastTransitionTime": "2024-05-01T10:20:45Z",
                "reason": "MinimumReplicasAvailable",
                "message": "Deployment has minimum availability."
              },
              {
                "type": "Progressing",
                "status": "True",
                "lastUpdateTime": "2024-05-01T10:20:45Z",
                "lastTransitionTime": "2024-04-20T08:00:00Z",
                "reason": "NewReplicaSetAvailable",
                "message": "ReplicaSet \"web-7d4b9c8f6d\" has successfully progressed."
              }
            ]
          }
        }
        """;

    /// <summary>A leader-election Lease: <c>acquireTime</c> and <c>renewTime</c> are MicroTime (six fraction digits).</summary>
    public const string Lease = """
        {
          "apiVersion": "coordination.k8s.io/v1",
          "kind": "Lease",
          "metadata": {
            "name": "shop-operator-leader",
            "namespace": "shop",
            "uid": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
            "resourceVersion": "50321",
            "creationTimestamp": "2024-04-20T08:00:00Z"
          },
          "spec": {
            "holderIdentity": "shop-operator-5f6d7c8b9-abcde_4c1f9e2a",
            "leaseDurationSeconds": 15,
            "acquireTime": "2024-05-01T10:20:30.100000Z",
            "renewTime": "2024-05-01T10:25:31.654321Z",
            "leaseTransitions": 3
          }
        }
        """;

    /// <summary>
    /// A TLS Secret: <c>data</c> values are base64 (one holds bytes that are not UTF-8, one is empty).
    /// </summary>
    public const string Secret = """
        {
          "apiVersion": "v1",
          "kind": "Secret",
          "metadata": {
            "name": "web-tls",
            "namespace": "shop",
            "uid": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
            "resourceVersion": "47001",
            "creationTimestamp": "2024-04-20T08:00:00Z"
          },
          "type": "kubernetes.io/tls",
          "immutable": true,
          "data": {
            "password": "czNjcjN0",
            "binary": "AP8QgH8=",
            "empty": ""
          }
        }
        """;

    /// <summary>
    /// A custom resource: preserve-unknown-fields <c>config</c>, int-or-string fields, a map of maps, a map of
    /// objects, keyword-named properties, <c>dns-policy</c>, an embedded resource and an unknown nested field.
    /// </summary>
    public const string CronTab = """
        {
          "apiVersion": "stable.example.com/v1",
          "kind": "CronTab",
          "metadata": {
            "name": "nightly",
            "namespace": "batch",
            "uid": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
            "resourceVersion": "991",
            "generation": 4,
            "creationTimestamp": "2024-05-01T10:20:30Z",
            "finalizers": ["stable.example.com/cleanup"]
          },
          "cronTab": {"revision": 7},
          "spec": {
            "cronSpec": "0 3 * * *",
            "image": "registry.example.com/batch/nightly:2.0",
            "class": "gold",
            "namespace": "batch-jobs",
            "event": {"type": "Warning", "reason": "Overrun"},
            "dns-policy": "ClusterFirst",
            "concurrencyPolicy": "Forbid",
            "suspend": false,
            "replicas": 3,
            "minReplicas": 1,
            "maxSurge": "50%",
            "maxUnavailable": 1,
            "note": "runs after the backup",
            "config": {"retries":3,"backoff":{"initial":"1s","factor":2.5,"jitter":true},"targets":["a",{"b":[1,2,{"c":null}]}],"empty":{},"text":"\u017elu\u0165ou\u010dk\u00fd k\u016f\u0148 \u2603"},
            "labelsByZone": {
              "eu-west-1a": {"tier": "gold", "rack": "r1"},
              "eu-west-1b": {}
            },
            "workers": {
              "small": {"size": 2, "cpu": "500m", "nodeSelector": {"disk": "ssd"}},
              "large": {"size": 8, "cpu": 4}
            },
            "schedules": [
              {"name": "weekday", "cron": "0 3 * * 1-5", "timeZone": "Europe/Prague", "weight": 0.75},
              {"name": "weekend", "cron": "0 5 * * 0,6", "weight": 1.5}
            ],
            "tags": ["nightly", "batch"],
            "jobTemplate": {
              "apiVersion": "batch/v1",
              "kind": "Job",
              "metadata": {"labels": {"job": "nightly"}, "annotations": {"owner": "team-batch"}},
              "spec": {"backoffLimit": 2, "parallelism": 1}
            },
            "futureSpecField": {"x":[true,{"y":1e3}]}
          },
          "status": {
            "replicas": 3,
            "selector": "job=nightly",
            "lastScheduleTime": "2024-05-02T03:00:00Z",
            "conditions": [
              {"type": "Ready", "status": "True", "reason": "Scheduled", "message": "next run at 03:00", "lastTransitionTime": "2024-05-02T03:00:05Z"}
            ]
          }
        }
        """;

    /// <summary>A core/v1 Event as the kubelet records it (a legacy event: its MicroTime <c>eventTime</c> is null).</summary>
    public const string CoreEvent = """
        {
          "apiVersion": "v1",
          "kind": "Event",
          "metadata": {
            "name": "web-7d4b9c8f6d-x2x9k.17c9f3a2b1c0d4e5",
            "namespace": "shop",
            "uid": "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a",
            "resourceVersion": "48300",
            "creationTimestamp": "2024-05-01T10:21:00Z"
          },
          "involvedObject": {
            "kind": "Pod",
            "namespace": "shop",
            "name": "web-7d4b9c8f6d-x2x9k",
            "uid": "6f0b3c1e-2a44-4d55-9a8e-1b2c3d4e5f60",
            "apiVersion": "v1",
            "resourceVersion": "48213",
            "fieldPath": "spec.containers{web}"
          },
          "reason": "BackOff",
          "message": "Back-off restarting failed container web in pod web-7d4b9c8f6d-x2x9k_shop",
          "source": {"component": "kubelet", "host": "node-1"},
          "firstTimestamp": "2024-05-01T10:21:00Z",
          "lastTimestamp": "2024-05-01T10:25:00Z",
          "count": 5,
          "type": "Warning",
          "eventTime": null,
          "reportingComponent": "kubelet",
          "reportingInstance": "node-1"
        }
        """;

    /// <summary>An events.k8s.io/v1 Event: MicroTime <c>eventTime</c> and <c>series.lastObservedTime</c>.</summary>
    public const string EventsEvent = """
        {
          "apiVersion": "events.k8s.io/v1",
          "kind": "Event",
          "metadata": {
            "name": "web-7d4b9c8f6d-x2x9k.17c9f3a2b1c0d4e6",
            "namespace": "shop",
            "uid": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
            "resourceVersion": "48301",
            "creationTimestamp": "2024-05-01T10:21:00Z"
          },
          "eventTime": "2024-05-01T10:21:00.123456Z",
          "series": {"count": 5, "lastObservedTime": "2024-05-01T10:25:00.654321Z"},
          "reportingController": "shop-operator",
          "reportingInstance": "shop-operator-5f6d7c8b9-abcde",
          "action": "Scaling",
          "reason": "ScaledUp",
          "regarding": {"kind": "Deployment", "namespace": "shop", "name": "web", "uid": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "apiVersion": "apps/v1"},
          "note": "Scaled web from 2 to 3 replicas",
          "type": "Normal"
        }
        """;
}
