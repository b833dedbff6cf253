#!/usr/bin/env python3
"""Drives the official Kubernetes python client (Debian's python3-kubernetes) against an emulator.

Usage: official_client.py KUBECONFIG

Prints one JSON object of what the client saw; PythonClientTests asserts on it. The script makes no
judgement itself, so a failure shows both what was expected and what the client got.
"""
import base64
import datetime
import json
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
coordination = client.CoordinationV1Api()
seen = {}


def raw(response):
    """The body as the server sent it (the client's models would reformat times)."""
    return json.loads(response.data)


# A Secret with stringData: the server merges it, base64-encoded, into data and never returns it.
created = core.create_namespaced_secret("default", client.V1Secret(
    metadata=client.V1ObjectMeta(name="py-secret"),
    data={"kept": base64.b64encode(b"kept").decode()},
    string_data={"password": "s3cret"}))
seen["secret_created_data"] = created.data
seen["secret_created_string_data"] = created.string_data
secret = raw(core.read_namespaced_secret("py-secret", "default", _preload_content=False))
seen["secret_read"] = {"data": secret.get("data"), "has_string_data": "stringData" in secret, "type": secret.get("type")}

# ConfigMaps: create, list by label, patch, delete.
for name, tier in [("py-a", "front"), ("py-b", "front"), ("py-c", "back")]:
    core.create_namespaced_config_map("default", client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name=name, labels={"tier": tier}), data={"k": name}))
front = core.list_namespaced_config_map("default", label_selector="tier=front")
seen["front"] = sorted(item.metadata.name for item in front.items)
patched = core.patch_namespaced_config_map("py-a", "default", {"data": {"k": "patched"}, "metadata": {"labels": {"extra": "yes"}}})
seen["patched"] = {"data": patched.data, "labels": patched.metadata.labels}
status = core.delete_namespaced_config_map("py-b", "default")
seen["deleted_status"] = status.status
seen["after_delete"] = sorted(item.metadata.name for item in core.list_namespaced_config_map("default").items if item.metadata.name.startswith("py-"))
seen["creation_timestamp"] = raw(core.read_namespaced_config_map("py-a", "default", _preload_content=False))["metadata"]["creationTimestamp"]

# A watch from a list's resourceVersion sees what came after it.
list_version = core.list_namespaced_config_map("default").metadata.resource_version
core.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-watched")))
core.delete_namespaced_config_map("py-c", "default")
events = []
stream = watch.Watch()
for event in stream.stream(core.list_namespaced_config_map, "default", resource_version=list_version, timeout_seconds=10):
    events.append([event["type"], event["object"].metadata.name])
    if len(events) == 2:
        stream.stop()
seen["watch"] = events

# Times: python sends datetime.isoformat() (microseconds and a +hh:mm offset); the server answers
# metav1.Time to the second and MicroTime with six digits, both in UTC with Z.
plus_two = datetime.timezone(datetime.timedelta(hours=2))
coordination.create_namespaced_lease("default", client.V1Lease(
    metadata=client.V1ObjectMeta(name="py-lease"),
    spec=client.V1LeaseSpec(holder_identity="py", acquire_time=datetime.datetime(2024, 5, 1, 12, 34, 56, 123456, tzinfo=plus_two))))
seen["lease_acquire_time"] = raw(coordination.read_namespaced_lease("py-lease", "default", _preload_content=False))["spec"]["acquireTime"]
core.create_namespaced_event("default", client.CoreV1Event(
    metadata=client.V1ObjectMeta(name="py-event"),
    involved_object=client.V1ObjectReference(kind="ConfigMap", name="py-a", namespace="default"),
    reason="Tested", message="from python",
    first_timestamp=datetime.datetime(2024, 5, 1, 12, 34, 56, 987654, tzinfo=plus_two),
    last_timestamp=datetime.datetime(2024, 5, 1, 12, 34, 57, tzinfo=plus_two)))
event = raw(core.read_namespaced_event("py-event", "default", _preload_content=False))
seen["event_times"] = [event["firstTimestamp"], event["lastTimestamp"]]

# isoformat() leaves the fraction out when it is zero; MicroTime needs exactly six digits, so a
# real server refuses it (400), and so must the emulator.
try:
    coordination.create_namespaced_lease("default", client.V1Lease(
        metadata=client.V1ObjectMeta(name="py-lease-whole-second"),
        spec=client.V1LeaseSpec(renew_time=datetime.datetime(2024, 5, 1, 10, 0, 0, tzinfo=datetime.timezone.utc))))
    seen["whole_second_micro_time"] = "accepted"
except ApiException as e:
    seen["whole_second_micro_time"] = [e.status, json.loads(e.body)["reason"]]

print(json.dumps(seen, sort_keys=True))
