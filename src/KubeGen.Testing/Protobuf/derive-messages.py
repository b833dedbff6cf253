#!/usr/bin/env python3
"""Derives Protobuf/messages.txt from Kubernetes' own definitions (a development tool, not built).

Usage: derive-messages.py API_REPO APIMACHINERY_REPO TAG > messages.txt

API_REPO and APIMACHINERY_REPO are git clones of kubernetes/api and kubernetes/apimachinery; TAG is
a release tag both have (v0.36.3 for Kubernetes 1.36.3). Field numbers and wire types come from each
package's generated.proto; the JSON side of each field (its JSON name, `inline`, `omitempty`,
`omitzero`, and whether the Go field is a pointer) comes from the struct tags in the package's Go
types, because the emulator turns a decoded message into the JSON object Go's encoder would write
for the same struct. Only the messages reachable from ROOTS are written.
"""
import re
import subprocess
import sys

# group-version -> (proto package alias, repository, directory)
PACKAGES = {
    "meta.v1": ("apimachinery", "pkg/apis/meta/v1", None),
    "runtime": ("apimachinery", "pkg/runtime", None),
    "intstr": ("apimachinery", "pkg/util/intstr", None),
    "resource": ("apimachinery", "pkg/api/resource", None),
    "core.v1": ("api", "core/v1", "v1"),
    "apps.v1": ("api", "apps/v1", "apps/v1"),
    "batch.v1": ("api", "batch/v1", "batch/v1"),
    "rbac.v1": ("api", "rbac/v1", "rbac.authorization.k8s.io/v1"),
    "scheduling.v1": ("api", "scheduling/v1", "scheduling.k8s.io/v1"),
    "policy.v1": ("api", "policy/v1", "policy/v1"),
    "networking.v1": ("api", "networking/v1", "networking.k8s.io/v1"),
    "coordination.v1": ("api", "coordination/v1", "coordination.k8s.io/v1"),
    "autoscaling.v1": ("api", "autoscaling/v1", "autoscaling/v1"),
    "authorization.v1": ("api", "authorization/v1", "authorization.k8s.io/v1"),
    "events.v1": ("api", "events/v1", "events.k8s.io/v1"),
}

# What kubectl's typed clients send (create, auth can-i, delete options), and their neighbours.
ROOTS = [
    "core.v1.ConfigMap", "core.v1.Secret", "core.v1.Namespace", "core.v1.Service", "core.v1.ServiceAccount",
    "core.v1.ResourceQuota", "core.v1.Pod", "core.v1.PodTemplate", "core.v1.ReplicationController",
    "core.v1.Endpoints", "core.v1.Event", "core.v1.LimitRange", "core.v1.PersistentVolumeClaim",
    "apps.v1.Deployment", "apps.v1.StatefulSet", "apps.v1.DaemonSet", "apps.v1.ReplicaSet",
    "batch.v1.Job", "batch.v1.CronJob",
    "rbac.v1.Role", "rbac.v1.RoleBinding", "rbac.v1.ClusterRole", "rbac.v1.ClusterRoleBinding",
    "scheduling.v1.PriorityClass", "policy.v1.PodDisruptionBudget", "policy.v1.Eviction",
    "networking.v1.Ingress", "networking.v1.NetworkPolicy", "coordination.v1.Lease",
    "autoscaling.v1.Scale", "autoscaling.v1.HorizontalPodAutoscaler",
    "authorization.v1.SelfSubjectAccessReview", "authorization.v1.SubjectAccessReview",
    "authorization.v1.LocalSubjectAccessReview", "authorization.v1.SelfSubjectRulesReview",
    "events.v1.Event", "meta.v1.DeleteOptions", "runtime.Unknown",
]

PROTO_PREFIX = {
    "k8s.io.apimachinery.pkg.apis.meta.v1.": "meta.v1.",
    "k8s.io.apimachinery.pkg.runtime.": "runtime.",
    "k8s.io.apimachinery.pkg.util.intstr.": "intstr.",
    "k8s.io.apimachinery.pkg.api.resource.": "resource.",
}

SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double", "float"}


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def short(type_name, package):
    name = type_name.lstrip(".")
    for prefix, alias in PROTO_PREFIX.items():
        if name.startswith(prefix):
            return alias + name[len(prefix):]
    if name.startswith("k8s.io.api."):
        return name[len("k8s.io.api."):]
    return name if name in SCALARS else package + "." + name


def parse_proto(text, package):
    messages = {}
    current = None
    for line in text.splitlines():
        line = line.split("//")[0].strip()
        if m := re.match(r"^message (\w+) \{$", line):
            current = messages.setdefault(package + "." + m.group(1), [])
        elif line == "}":
            current = None
        elif current is not None and (m := re.match(r"^map<(\w+), ([\w.]+)> (\w+) = (\d+);$", line)):
            current.append((int(m.group(4)), m.group(3), "map", short(m.group(1), package), short(m.group(2), package)))
        elif current is not None and (m := re.match(r"^(optional|repeated) ([\w.]+) (\w+) = (\d+);$", line)):
            current.append((int(m.group(4)), m.group(3), m.group(1), short(m.group(2), package), None))
    return messages


def parse_go(text, package):
    """Go struct fields by (message, field number): (json name, flags)."""
    fields = {}
    struct = None
    for line in text.splitlines():
        if m := re.match(r"^type (\w+) struct \{", line):
            struct = package + "." + m.group(1)
            continue
        if line.startswith("}"):
            struct = None
            continue
        if struct is None or "`" not in line or line.strip().startswith("//"):
            continue
        before, tag = line.split("`")[0].split(), line.split("`")[1]
        proto = re.search(r'protobuf:"\w+,(\d+),', tag)
        json = re.search(r'json:"([^"]*)"', tag)
        if not proto or not json:
            continue
        go_type = before[-1]
        parts = json.group(1).split(",")
        flags = []
        if parts[0] == "-":
            continue
        if "inline" in parts[1:]:
            flags.append("inline")
        if go_type.startswith("*"):
            flags.append("ptr")
        if "omitzero" in parts[1:]:
            flags.append("omitzero")
        if "omitempty" not in parts[1:] and "inline" not in flags:
            flags.append("keep")
        fields[(struct, int(proto.group(1)))] = (parts[0], flags, len(fields))
    return fields


def main():
    repos = {"api": sys.argv[1], "apimachinery": sys.argv[2]}
    tag = sys.argv[3]
    messages, go_fields = {}, {}
    for alias, (repo_key, directory, _) in PACKAGES.items():
        repo = repos[repo_key]
        messages.update(parse_proto(git(repo, "show", f"{tag}:{directory}/generated.proto"), alias))
        for path in git(repo, "ls-tree", "--name-only", f"{tag}:{directory}").split():
            if path.endswith(".go") and not path.endswith("_test.go") and not path.startswith("zz_generated") and path != "generated.pb.go":
                go_fields.update(parse_go(git(repo, "show", f"{tag}:{directory}/{path}"), alias))

    reachable, pending = [], list(ROOTS)
    while pending:
        name = pending.pop(0)
        if name in reachable or name in SCALARS:
            continue
        if name not in messages:
            sys.exit(f"no message {name}")
        reachable.append(name)
        for _, _, _, t, v in messages[name]:
            pending += [x for x in (t, v) if x and x not in SCALARS]

    print(f"# Kubernetes protobuf messages the emulator decodes, derived by derive-messages.py from the")
    print(f"# generated.proto files (field numbers, wire types) and Go struct tags (JSON name, inline,")
    print(f"# omitempty/omitzero, pointer) of kubernetes/api and kubernetes/apimachinery at {tag}.")
    print("#")
    print("# package ALIAS GROUP/VERSION")
    print("# message NAME")
    print("#   NUMBER JSON-NAME TYPE [flags]   TYPE: scalar, message, []T (repeated), map[K]V")
    print("#   flags: ptr (Go pointer: present means set), keep (no omitempty), omitzero, inline (JSON-embedded)")
    print("# Fields are in the Go struct's order. Messages with a custom JSON form (Time, MicroTime, FieldsV1,")
    print("# IntOrString, Quantity, ExtraValue) keep their proto field names here; the decoder knows their JSON form.")
    for alias, (_, _, group_version) in PACKAGES.items():
        if group_version:
            print(f"package {alias} {group_version}")
    for name in sorted(reachable):
        print(f"message {name}")
        # In the Go struct's order, which is the order Go's encoder writes the JSON fields in.
        for number, field, label, t, v in sorted(messages[name], key=lambda f: (go_fields.get((name, f[0]), ("", [], f[0]))[2], f[0])):
            json_name, flags, _ = go_fields.get((name, number), (field, [], 0))
            type_text = f"map[{t}]{v}" if label == "map" else ("[]" + t if label == "repeated" else t)
            print(f"  {number} {json_name or '-'} {type_text}{''.join(' ' + f for f in flags)}")


main()
