#!/usr/bin/env bash
# CronJobPoller end to end on this machine, no cluster needed:
#   1. starts the KubeGen API server emulator (src/KubeGen.ApiServer) with deploy/crd.yaml applied and
#      fetches the CRD's OpenAPI document from it, as you would from your cluster,
#   2. publishes samples/CronJobPoller as a Native AOT binary whose client is generated from that document,
#   3. starts the emulator the way the CronJob's pod meets a cluster: the service account backup-poller
#      may do nothing but what the build's rbac.yaml allows (bound by deploy/rolebinding.yaml), and the
#      Backups of demo-backups.yaml exist,
#   4. runs the native binary twice as the CronJob would: the first run backs up what is due, the
#      second finds everything up to date.
# Needs the .NET 10 SDK, clang, zlib1g-dev, and kubectl or curl. Extra arguments go to CronJobPoller (e.g. --dry-run).
#
# Environment:
#   CRONJOBPOLLER_DEMO_DIR   work directory (publish output, build artifacts, emulator files); kept when
#                            given, otherwise a temporary one is created and removed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
spec="$root/fixtures/openapi/mini-cluster.swagger.json"
document="apis__ops.kubegen.dev__v1_openapi.json"

# shellcheck source=../demo-common.sh
source "$here/../demo-common.sh"

command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH: https://dot.net/download"
command -v kubectl >/dev/null 2>&1 || command -v curl >/dev/null 2>&1 \
  || fail "fetching the CRD's OpenAPI document needs kubectl or curl: sudo apt-get install -y curl"
# Native AOT links with clang against zlib (installed when missing and possible; see demo-common.sh).
require_aot_toolchain
detect_rid
make_work_dir CRONJOBPOLLER_DEMO_DIR cronjobpoller-demo

emulator_pid=""
stop_emulator() {
  stop_process "$emulator_pid"
  emulator_pid=""
}
stop_on_exit

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
build_flags=(--artifacts-path "$work/artifacts" --disable-build-servers -tl:off -nologo -v:q)

say "Building the API server emulator (src/KubeGen.ApiServer)"
run_build "$work/apiserver-build.log" dotnet build "$root/src/KubeGen.ApiServer/KubeGen.ApiServer.csproj" -c Release "${build_flags[@]}"
server_dll="$work/artifacts/bin/KubeGen.ApiServer/release/KubeGen.ApiServer.dll"

# Starts the emulator with the given arguments and reads where it listens (url, host, port, sa_dir).
start_emulator() {
  local name="$1"
  shift
  local log="$work/$name.log"
  rm -rf "$work/$name"
  dotnet "$server_dll" --spec "$spec" --sa-dir "$work/$name/sa" --kubeconfig "$work/$name/kubeconfig" "$@" >"$log" 2>&1 &
  emulator_pid=$!
  pids+=("$emulator_pid")
  wait_for_line "$log" '^Press Ctrl+C to stop' "$emulator_pid" "the emulator"
  url=$(sed -n 's/^KubeGen API server emulator listening on //p' "$log" | head -n 1)
  host=$(sed -n 's/^KUBERNETES_SERVICE_HOST=//p' "$log" | head -n 1)
  port=$(sed -n 's/^KUBERNETES_SERVICE_PORT=//p' "$log" | head -n 1)
  sa_dir="$work/$name/sa"
}

# ---- 1. the cluster's spec for the CRD ------------------------------------------------------
say "Installing deploy/crd.yaml and fetching /openapi/v3/apis/ops.kubegen.dev/v1"
start_emulator spec-source --apply "$here/deploy/crd.yaml"
mkdir -p "$work/openapi"
if command -v kubectl >/dev/null 2>&1; then
  kubectl --kubeconfig "$work/spec-source/kubeconfig" --cache-dir "$work/kubectl-cache" \
    get --raw /openapi/v3/apis/ops.kubegen.dev/v1 >"$work/openapi/$document"
else
  curl -sSf --cacert "$sa_dir/ca.crt" -H "Authorization: Bearer $(cat "$sa_dir/token")" \
    "$url/openapi/v3/apis/ops.kubegen.dev/v1" -o "$work/openapi/$document"
fi
stop_emulator
if cmp -s "$work/openapi/$document" "$here/openapi/$document"; then
  say "The cluster's document equals the committed openapi/$document"
else
  say "The cluster's document differs from the committed openapi/$document; building from the cluster's"
fi

# ---- 2. Native AOT publish ---------------------------------------------------------------
say "Publishing CronJobPoller as Native AOT ($rid), its client generated from that document"
run_build "$work/publish.log" dotnet publish "$here/CronJobPoller.csproj" -c Release -r "$rid" \
  -o "$work/publish" "-p:KubeSpec=$work/openapi/$document" "${build_flags[@]}"
binary="$work/publish/CronJobPoller"
[[ -x "$binary" && -f "$work/publish/rbac.yaml" ]] || fail "the publish produced no $binary and rbac.yaml"
say "Published: $binary ($(stat -c %s "$binary") bytes) and rbac.yaml"

# ---- 3. the cluster the job runs in --------------------------------------------------------
say "Starting the emulator: service account default/backup-poller with only rbac.yaml's rules"
start_emulator cluster --service-account default/backup-poller --no-bootstrap-rules \
  --apply "$here/deploy/crd.yaml" --apply "$work/publish/rbac.yaml" \
  --apply "$here/deploy/rolebinding.yaml" --apply "$here/demo-backups.yaml"

# ---- 4. the job, as the CronJob runs it ----------------------------------------------------
status=0
for run in 1 2; do
  say "Run $run: KUBERNETES_SERVICE_HOST=$host KUBERNETES_SERVICE_PORT=$port KUBEGEN_SERVICEACCOUNT_DIR=$sa_dir $binary${*:+ $*}"
  KUBERNETES_SERVICE_HOST="$host" KUBERNETES_SERVICE_PORT="$port" KUBEGEN_SERVICEACCOUNT_DIR="$sa_dir" \
    "$binary" "$@" || status=$?
  say "CronJobPoller exited with $status"
  [[ "$status" == 0 ]] || break
done
exit "$status"
