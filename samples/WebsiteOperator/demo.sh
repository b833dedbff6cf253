#!/usr/bin/env bash
# WebsiteOperator end to end on this machine, no cluster needed:
#   1. starts the KubeGen API server emulator (src/KubeGen.ApiServer) with deploy/crd.yaml installed and the operator's
#      service account limited to deploy/role.yaml, and fetches the CRD's OpenAPI document from it, as from a cluster,
#   2. publishes samples/WebsiteOperator as a Native AOT binary whose client is generated from that document (or,
#      without clang/zlib, builds it JIT-compiled),
#   3. starts two replicas (two pods of one Deployment: one service account); one leads, one stands by,
#   4. creates a Website and shows its child ConfigMap, its Ready condition, the registry entry and the Events,
#   5. edits the Website's spec and shows the child and the condition converge on the new generation,
#   6. kills the leader (SIGKILL: a crash, the Lease is not released) and shows the standby take over,
#   7. deletes the Website: the finalizer holds it until the registry entry is gone, then the garbage collector removes
#      the child. Prints the binary's size and the replicas' resident memory while idle.
# Needs the .NET 10 SDK and kubectl (the administrator's view of the emulator). Native AOT also needs clang and
# zlib1g-dev (installed when this runs as root with apt-get; otherwise the demo runs the operator JIT-compiled).
#
# Environment:
#   WEBSITEOPERATOR_DEMO_DIR   work directory (publish output, build artifacts, logs); kept when given, else temporary.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=../demo-common.sh
source "$here/../demo-common.sh"
spec="$root/fixtures/openapi/mini-cluster.swagger.json"
document="apis__demo.kubegen.dev__v1_openapi.json"

command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH"
command -v kubectl >/dev/null 2>&1 || fail "the demo looks at the cluster with kubectl: https://kubernetes.io/docs/tasks/tools/"
ensure_aot_toolchain
detect_rid
make_work_dir WEBSITEOPERATOR_DEMO_DIR websiteoperator-demo
stop_on_exit

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
build_flags=(--artifacts-path "$work/artifacts" --disable-build-servers -tl:off -nologo -v:q)

# ---- 1. the cluster: the CRD, the operator's service account and its Role --------------------------------------
say "Building the API server emulator (src/KubeGen.ApiServer)"
run_build "$work/apiserver-build.log" dotnet build "$root/src/KubeGen.ApiServer/KubeGen.ApiServer.csproj" -c Release "${build_flags[@]}"
say "Starting the emulator: deploy/crd.yaml, and service account default/website-operator with only deploy/role.yaml's rules"
dotnet "$work/artifacts/bin/KubeGen.ApiServer/release/KubeGen.ApiServer.dll" --spec "$spec" --sa-dir "$work/sa" \
  --service-account default/website-operator --no-bootstrap-rules --admin-kubeconfig "$work/admin.kubeconfig" \
  --apply "$here/deploy/crd.yaml" \
  --apply "$here/deploy/role.yaml" --apply "$here/deploy/rolebinding.yaml" >"$work/apiserver.log" 2>&1 &
pids+=($!)
wait_for_line "$work/apiserver.log" '^Press Ctrl+C to stop' "${pids[-1]}" "the emulator"
value() { sed -n "s/^$1=//p" "$work/apiserver.log" | head -n 1; }
export KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT KUBEGEN_SERVICEACCOUNT_DIR
KUBERNETES_SERVICE_HOST=$(value KUBERNETES_SERVICE_HOST)
KUBERNETES_SERVICE_PORT=$(value KUBERNETES_SERVICE_PORT)
KUBEGEN_SERVICEACCOUNT_DIR="$work/sa"
# The administrator (kubectl) and the operator (the service account; the fixture cluster serves no ServiceAccount
# objects, so deploy/serviceaccount.yaml is not applied) are different users of one cluster.
k() { kubectl --kubeconfig "$work/admin.kubeconfig" --cache-dir "$work/kubectl-cache" "$@"; }

mkdir -p "$work/openapi"
k get --raw /openapi/v3/apis/demo.kubegen.dev/v1 >"$work/openapi/$document"
if cmp -s "$work/openapi/$document" "$here/openapi/$document"; then
  say "The cluster's document equals the committed openapi/$document"
else
  say "The cluster's document differs from the committed openapi/$document; building from the cluster's"
fi

# ---- 2. the operator, its client generated from that document -----------------------------------------------------
publish_or_build WebsiteOperator "$here/WebsiteOperator.csproj" "-p:WebsiteSpec=$work/openapi/$document"
operator=("${app[@]}")

# ---- 3. two replicas -------------------------------------------------------------------------------------------
timings=(--lease-duration 4 --renew-deadline 3 --retry-period 0.5)
"${operator[@]}" --identity replica-a --health-port 18091 "${timings[@]}" >"$work/a.log" 2>&1 &
pids+=($!); pid_a=$!
wait_for_line "$work/a.log" "leader: acquired replica-a" "$pid_a" "replica-a"
"${operator[@]}" --identity replica-b --health-port 18092 "${timings[@]}" >"$work/b.log" 2>&1 &
pids+=($!); pid_b=$!
wait_for_line "$work/b.log" "leader: observed replica-a" "$pid_b" "replica-b"
say "replica-a leads; replica-b stands by with warm caches (its /readyz: $(curl -s localhost:18092/readyz || echo '?'))"

# ---- 4. a Website -----------------------------------------------------------------------------------------------
say "kubectl apply -f demo-website.yaml (the shared registry with one foreign entry, and Website hello)"
k apply -f "$here/demo-website.yaml" >/dev/null
wait_for_line "$work/a.log" "ready default/hello generation 1" "$pid_a" "replica-a"
show() { say "$1"; shift; "$@" | sed 's/^/    /'; }
show "kubectl get websites" k get websites
show "Child ConfigMap hello-content, owned by the Website:" \
  k get configmap hello-content -o 'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} controller={.metadata.ownerReferences[0].controller} blockOwnerDeletion={.metadata.ownerReferences[0].blockOwnerDeletion}{"\n"}{.data.index\.html}'
show "Ready condition:" k get website hello -o 'jsonpath={.status.conditions[?(@.type=="Ready")]}{"\n"}'
show "Finalizers:" k get website hello -o 'jsonpath={.metadata.finalizers}{"\n"}'
show "Registry:" k get configmap website-registry -o 'jsonpath={.data}{"\n"}'
show "Events:" k get events.events.k8s.io -o 'custom-columns=REGARDING:.regarding.name,TYPE:.type,REASON:.reason,NOTE:.note'
show "Leader metrics:" sh -c 'curl -s localhost:18091/metrics | grep -E "^kubegen_controller_reconcile_total" || true'

# ---- 5. an edit converges --------------------------------------------------------------------------------------
say "kubectl patch website hello: a new message and 3 replicas (generation 2)"
k patch website hello --type merge -p '{"spec":{"message":"Edited: the operator converges","replicas":3}}' >/dev/null
wait_for_line "$work/a.log" "ready default/hello generation 2" "$pid_a" "replica-a"
show "Child ConfigMap:" k get configmap hello-content -o 'jsonpath={.data.replicas} replicas: {.data.index\.html}'
show "Ready condition:" k get website hello -o 'jsonpath={.status.conditions[?(@.type=="Ready")]}{"\n"}'
for pid in "$pid_a" "$pid_b"; do
  say "Idle RSS of pid $pid: $(awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$pid/status")"
done

# ---- 6. the leader crashes ---------------------------------------------------------------------------------------
start=$(date +%s%N)
{ kill -KILL "$pid_a"; wait "$pid_a"; } 2>/dev/null || true # (quiet: no "Killed" job notice)
wait_for_line "$work/b.log" "leader: acquired replica-b" "$pid_b" "replica-b"
say "replica-a killed (its Lease not released); replica-b leads after $(( ($(date +%s%N) - start) / 1000000 )) ms (lease duration 4 s)"

# ---- 7. deleting the Website: the finalizer's cleanup, then garbage collection -----------------------------------
say "kubectl delete website hello"
k delete website hello --wait=false >/dev/null
wait_for_line "$work/b.log" "unregistered default/hello" "$pid_b" "replica-b"
for _ in $(seq 300); do
  k get website hello >/dev/null 2>&1 || k get configmap hello-content >/dev/null 2>&1 || break
  sleep 0.1
done
k get website hello >/dev/null 2>&1 && fail "the Website is still there"
k get configmap hello-content >/dev/null 2>&1 && fail "the child ConfigMap was not garbage-collected"
say "The operator took hello out of the registry, then its finalizer; the Website is gone, and the garbage collector removed hello-content"
show "Registry:" k get configmap website-registry -o 'jsonpath={.data}{"\n"}'
show "Events:" k get events.events.k8s.io -o 'custom-columns=REGARDING:.regarding.name,TYPE:.type,REASON:.reason,NOTE:.note'

stop_process "$pid_b"
say "Logs: replica-a"; sed 's/^/    /' "$work/a.log"
say "Logs: replica-b"; sed 's/^/    /' "$work/b.log"
