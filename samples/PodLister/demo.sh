#!/usr/bin/env bash
# PodLister end to end on this machine, no cluster needed:
#   1. publishes samples/PodLister as a Native AOT binary,
#   2. starts the KubeGen API server emulator (src/KubeGen.ApiServer) seeded with demo-pods.yaml,
#   3. runs the native binary the way a pod runs it (KUBERNETES_SERVICE_HOST/PORT and a
#      service-account directory with token, ca.crt and namespace), which prints the table,
#   4. stops the emulator.
# Needs the .NET 10 SDK. Native AOT also needs clang and zlib1g-dev: when they are missing the
# script installs them (as root, with apt-get), and when it cannot, it runs the same sample
# JIT-compiled (dotnet PodLister.dll) against the emulator and says how to get the native binary.
#
#   demo.sh [--kubeconfig] [PodLister arguments, e.g. --watch]
#     --kubeconfig   run PodLister from the emulator's kubeconfig (KUBECONFIG=...) instead of as a
#                    pod: the same binary and the same KubeClient.Connect() call, outside a cluster.
#
# Environment:
#   PODLISTER_DEMO_DIR   work directory (publish output, build artifacts, emulator files); it is
#                        kept when given, otherwise a temporary one is created and removed.
#   KUBE_SPEC            the OpenAPI (Swagger 2.0) spec for both the build and the emulator
#                        (default: the repository's test fixture mini-cluster.swagger.json).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
spec="${KUBE_SPEC:-$root/fixtures/openapi/mini-cluster.swagger.json}"
spec="$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"

# shellcheck source=../demo-common.sh
source "$here/../demo-common.sh"

from_kubeconfig=0
if [[ "${1:-}" == "--kubeconfig" ]]; then
  from_kubeconfig=1
  shift
fi

# ---- prerequisites ------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH: https://dot.net/download"
[[ -f "$spec" ]] || fail "spec '$spec' does not exist"

# Native AOT links with clang against zlib (installed when missing and possible; see demo-common.sh).
ensure_aot_toolchain
detect_rid
make_work_dir PODLISTER_DEMO_DIR podlister-demo

stop_on_exit

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Builds of their own: no compiler/MSBuild servers that outlive this script.
build_flags=(--artifacts-path "$work/artifacts" --disable-build-servers -tl:off -nologo -v:q)

started=$(date +%s.%N)

# ---- 1. Native AOT publish (or a JIT build without clang) ------------------------------------
publish_or_build PodLister "$here/PodLister.csproj" "-p:KubeSpec=$spec"

# ---- 2. the API server emulator ----------------------------------------------------------
say "Building the API server emulator (src/KubeGen.ApiServer)"
t=$(date +%s.%N)
run_build "$work/apiserver-build.log" dotnet build "$root/src/KubeGen.ApiServer/KubeGen.ApiServer.csproj" -c Release "${build_flags[@]}"
server_dll="$work/artifacts/bin/KubeGen.ApiServer/release/KubeGen.ApiServer.dll"
[[ -f "$server_dll" ]] || fail "the build produced no $server_dll"
say "Built in $(elapsed "$t")"

# Seed pods with creationTimestamps relative to now ("# age: 4d" comments in demo-pods.yaml).
now=$(date +%s)
seed="$work/demo-pods.yaml"
: >"$seed"
age_line='^([[:space:]]*creationTimestamp:)[^#]*#[[:space:]]*age:[[:space:]]*([0-9]+)([smhd])'
while IFS= read -r line || [[ -n "$line" ]]; do
  if [[ "$line" =~ $age_line ]]; then
    n=${BASH_REMATCH[2]}
    case "${BASH_REMATCH[3]}" in
      s) secs=$n ;;
      m) secs=$((n * 60)) ;;
      h) secs=$((n * 3600)) ;;
      d) secs=$((n * 86400)) ;;
    esac
    line="${BASH_REMATCH[1]} \"$(date -u -d "@$((now - secs))" +%Y-%m-%dT%H:%M:%SZ)\""
  fi
  printf '%s\n' "$line" >>"$seed"
done <"$here/demo-pods.yaml"

say "Starting the emulator with $(basename "$spec") and $(basename "$seed")"
rm -rf "$work/sa"
server_log="$work/apiserver.log"
dotnet "$server_dll" --spec "$spec" --seed "$seed" --sa-dir "$work/sa" --kubeconfig "$work/kubeconfig" >"$server_log" 2>&1 &
pids+=($!)
wait_for_line "$server_log" '^Press Ctrl+C to stop' "${pids[-1]}" "the emulator"

value() { sed -n "s/^$1=//p" "$server_log" | head -n 1; }
url=$(sed -n 's/^KubeGen API server emulator listening on //p' "$server_log" | head -n 1)
host=$(value KUBERNETES_SERVICE_HOST)
port=$(value KUBERNETES_SERVICE_PORT)
sa_dir=$(value KUBEGEN_SERVICEACCOUNT_DIR)
sa_dir=${sa_dir:-$work/sa}
[[ -n "$host" && -n "$port" ]] || { cat "$server_log" >&2; fail "the emulator did not print KUBERNETES_SERVICE_HOST/PORT"; }
say "Emulator listening on $url (service account: $sa_dir, namespace $(cat "$sa_dir/namespace"))"

# ---- 3. PodLister, as in a pod (or from the kubeconfig) ------------------------------------
# KubeClient.Connect() takes KUBECONFIG first, then in-cluster, then ~/.kube/config: each run sets
# exactly the one source it means.
if [[ "$from_kubeconfig" == 1 ]]; then
  say "KUBECONFIG=$work/kubeconfig ${app[*]}${*:+ $*}"
  run=(env -u KUBERNETES_SERVICE_HOST -u KUBERNETES_SERVICE_PORT -u KUBEGEN_SERVICEACCOUNT_DIR "KUBECONFIG=$work/kubeconfig" "HOME=$work" "${app[@]}" "$@")
else
  say "KUBERNETES_SERVICE_HOST=$host KUBERNETES_SERVICE_PORT=$port KUBEGEN_SERVICEACCOUNT_DIR=$sa_dir ${app[*]}${*:+ $*}"
  run=(env -u KUBECONFIG "KUBERNETES_SERVICE_HOST=$host" "KUBERNETES_SERVICE_PORT=$port" "KUBEGEN_SERVICEACCOUNT_DIR=$sa_dir" "${app[@]}" "$@")
fi
echo
t=$(date +%s.%N)
status=0
# Ctrl+C (e.g. to end --watch) reaches PodLister, which stops cleanly; the script then carries on.
trap 'true' INT
"${run[@]}" || status=$?
echo
say "PodLister exited with $status after $(elapsed "$t")"
if [[ "$aot" == 1 ]]; then
  say "Native binary: $size bytes; the whole demo took $(elapsed "$started")"
else
  say "Ran JIT-compiled; for the Native AOT binary install clang and zlib1g-dev (as root: apt-get install -y clang zlib1g-dev) and run demo.sh again."
fi
exit "$status"
