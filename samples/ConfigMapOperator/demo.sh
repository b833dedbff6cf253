#!/usr/bin/env bash
# ConfigMapOperator end to end on this machine, no cluster needed:
#   1. publishes the operator as a Native AOT binary and builds the API server emulator,
#   2. starts the emulator and two operator replicas (as two pods of one Deployment: one service account),
#   3. creates a labelled ConfigMap and shows its summary, the Event on it and the leader's metrics,
#   4. stops the leader with SIGTERM and shows the standby taking over at once,
#   5. deletes the source: the finalizer holds it until the operator has removed the summary,
#   6. stops everything. Prints the binary's size and the replicas' resident memory while idle.
# Needs the .NET 10 SDK, clang, zlib1g-dev and curl.
#
# Environment:
#   OPERATOR_DEMO_DIR   work directory (publish output, build artifacts, logs); kept when given, else temporary.
#   KUBE_SPEC           the OpenAPI spec for both the build and the emulator (default: the repository's fixture).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
spec="${KUBE_SPEC:-$root/fixtures/openapi/mini-cluster.swagger.json}"
spec="$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"

# shellcheck source=../demo-common.sh
source "$here/../demo-common.sh"

command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH"
command -v curl >/dev/null 2>&1 || fail "the demo talks to the emulator with curl: sudo apt-get install -y curl"
# Native AOT links with clang against zlib (installed when missing and possible; see demo-common.sh).
require_aot_toolchain
detect_rid
make_work_dir OPERATOR_DEMO_DIR operator-demo

stop_on_exit

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
build_flags=(--artifacts-path "$work/artifacts" --disable-build-servers -tl:off -nologo -v:q)

# ---- 1. publish and build ----------------------------------------------------------------
say "Publishing ConfigMapOperator as Native AOT ($rid)"
run_build "$work/publish.log" dotnet publish "$here/ConfigMapOperator.csproj" -c Release -r "$rid" -o "$work/publish" "-p:KubeSpec=$spec" "${build_flags[@]}"
binary="$work/publish/ConfigMapOperator"
size=$(stat -c %s "$binary")
say "Native binary: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f MiB", s / 1048576 }'))"
say "Building the API server emulator"
run_build "$work/apiserver-build.log" dotnet build "$root/src/KubeGen.ApiServer/KubeGen.ApiServer.csproj" -c Release "${build_flags[@]}"

# ---- 2. the emulator and two replicas ------------------------------------------------------
dotnet "$work/artifacts/bin/KubeGen.ApiServer/release/KubeGen.ApiServer.dll" --spec "$spec" --sa-dir "$work/sa" >"$work/apiserver.log" 2>&1 &
pids+=($!)
wait_for_line "$work/apiserver.log" "Press Ctrl+C to stop" "${pids[-1]}" "the emulator"
value() { sed -n "s/^$1=//p" "$work/apiserver.log" | head -n 1; }
export KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT KUBEGEN_SERVICEACCOUNT_DIR
KUBERNETES_SERVICE_HOST=$(value KUBERNETES_SERVICE_HOST)
KUBERNETES_SERVICE_PORT=$(value KUBERNETES_SERVICE_PORT)
KUBEGEN_SERVICEACCOUNT_DIR=$(value KUBEGEN_SERVICEACCOUNT_DIR)
KUBEGEN_SERVICEACCOUNT_DIR=${KUBEGEN_SERVICEACCOUNT_DIR:-$work/sa}
api="https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT"
kapi() { curl -sS --fail-with-body --cacert "$KUBEGEN_SERVICEACCOUNT_DIR/ca.crt" -H "Authorization: Bearer $(cat "$KUBEGEN_SERVICEACCOUNT_DIR/token")" "$@"; }
say "Emulator at $api"

timings=(--lease-duration 4 --renew-deadline 3 --retry-period 0.5)
"$binary" --identity replica-a --health-port 18081 "${timings[@]}" >"$work/a.log" 2>&1 &
pids+=($!); pid_a=$!
wait_for_line "$work/a.log" "leader: acquired replica-a" "$pid_a" replica-a
"$binary" --identity replica-b --health-port 18082 "${timings[@]}" >"$work/b.log" 2>&1 &
pids+=($!); pid_b=$!
wait_for_line "$work/b.log" "leader: observed replica-a" "$pid_b" replica-b
say "replica-a leads, replica-b stands by with warm caches (readyz: $(curl -s localhost:18082/readyz))"

# ---- 3. a labelled ConfigMap and its summary --------------------------------------------------
kapi -X POST -H 'Content-Type: application/json' "$api/api/v1/namespaces/default/configmaps" \
  -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app-config","labels":{"kubegen.dev/mirror":"true"}},"data":{"mode":"fast","greeting":"hello"}}' >/dev/null
wait_for_line "$work/a.log" "created default/app-config-summary" "$pid_a" replica-a
say "Summary: $(kapi "$api/api/v1/namespaces/default/configmaps/app-config-summary" | sed -n 's/.*"data":\({[^}]*}\).*/\1/p')"
say "Finalizer on the source: $(kapi "$api/api/v1/namespaces/default/configmaps/app-config" | grep -o '"finalizers":\[[^]]*\]')"
say "Event: $(kapi "$api/apis/events.k8s.io/v1/namespaces/default/events" | grep -o '"reason":"Summary[A-Za-z]*"' | head -n 1), $(kapi "$api/apis/events.k8s.io/v1/namespaces/default/events" | grep -o '"note":"[^"]*"' | head -n 1)"
say "Leader metrics: $(curl -s localhost:18081/metrics | grep -E '^kubegen_controller_reconcile_total' | tr '\n' ' ')"
for pid in "$pid_a" "$pid_b"; do
  say "Idle RSS of pid $pid: $(awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$pid/status")"
done

# ---- 4. SIGTERM to the leader ------------------------------------------------------------------
start=$(date +%s%N)
kill -TERM "$pid_a"
wait "$pid_a" || fail "replica-a exited with $?"
wait_for_line "$work/b.log" "leader: acquired replica-b" "$pid_b" replica-b
say "replica-a drained and released the Lease; replica-b leads after $(( ($(date +%s%N) - start) / 1000000 )) ms"

# ---- 5. deleting the source: the finalizer holds it until the summary is gone -------------------
kapi -X DELETE "$api/api/v1/namespaces/default/configmaps/app-config" >/dev/null
wait_for_line "$work/b.log" "deleted default/app-config-summary" "$pid_b" replica-b
for _ in $(seq 100); do
  kapi "$api/api/v1/namespaces/default/configmaps/app-config" >/dev/null 2>&1 || break
  sleep 0.1
done
say "The operator removed the summary, then the finalizer; the source is gone"

# ---- 6. done ----------------------------------------------------------------------------------
kill -TERM "$pid_b"; wait "$pid_b" || true
say "Logs: replica-a"; sed 's/^/    /' "$work/a.log"
say "Logs: replica-b"; sed 's/^/    /' "$work/b.log"
