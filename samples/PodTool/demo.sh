#!/usr/bin/env bash
# PodTool end to end on this machine, no cluster needed:
#   1. publishes samples/PodTool as a Native AOT binary (and the build's rbac.yaml),
#   2. starts the KubeGen API server emulator with the pod of demo-pods.yaml, whose container's log is
#      demo-web.log, and a service account default/pod-tool that may do only what rbac.yaml allows
#      (bound by deploy/rolebinding.yaml),
#   3. runs the native binary as a pod would: `logs web -f` (the whole log, then its end, since the
#      container has finished), `logs web --tail 2`, `exec web -- hostname`, and a command that fails
#      with exit code 3, whose code PodTool prints and exits with.
# Needs the .NET 10 SDK, clang and zlib1g-dev (Native AOT).
#
# Environment:
#   PODTOOL_DEMO_DIR   work directory (publish output, build artifacts, emulator files); kept when
#                      given, otherwise a temporary one is created and removed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
spec="$root/fixtures/openapi/mini-cluster.swagger.json"

say() { printf '==> %s\n' "$*"; }
fail() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

for tool in dotnet clang; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH (Native AOT needs clang and zlib1g-dev: sudo apt-get install -y clang zlib1g-dev)"
done
printf 'int main(void){return 0;}\n' | clang -x c - -lz -o /dev/null >/dev/null 2>&1 \
  || fail "clang cannot link against zlib: sudo apt-get install -y zlib1g-dev"
case "$(uname -m)" in
  x86_64 | amd64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) fail "unsupported architecture $(uname -m)" ;;
esac

work="${PODTOOL_DEMO_DIR:-}"
keep_work=1
if [[ -z "$work" ]]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/podtool-demo.XXXXXX")"
  keep_work=0
fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"

emulator_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
on_exit() {
  local status=$?
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  [[ "$keep_work" == 1 ]] || rm -rf "$work"
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
build_flags=(--artifacts-path "$work/artifacts" --disable-build-servers -tl:off -nologo -v:q)
quietly() {
  local log="$1"
  shift
  "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "failed: $*"; }
}

# ---- 1. Native AOT publish ---------------------------------------------------------------
say "Publishing PodTool as Native AOT ($rid)"
quietly "$work/publish.log" dotnet publish "$here/PodTool.csproj" -c Release -r "$rid" \
  -o "$work/publish" "-p:KubeSpec=$spec" "${build_flags[@]}"
binary="$work/publish/PodTool"
[[ -x "$binary" && -f "$work/publish/rbac.yaml" ]] || fail "the publish produced no $binary and rbac.yaml"
say "Published: $binary ($(stat -c %s "$binary") bytes) and rbac.yaml"

# ---- 2. the emulator ---------------------------------------------------------------------
say "Building the API server emulator (src/KubeGen.ApiServer)"
quietly "$work/apiserver-build.log" dotnet build "$root/src/KubeGen.ApiServer/KubeGen.ApiServer.csproj" -c Release "${build_flags[@]}"
server_dll="$work/artifacts/bin/KubeGen.ApiServer/release/KubeGen.ApiServer.dll"

say "Starting the emulator: pod default/web, service account default/pod-tool with only rbac.yaml's rules"
log="$work/apiserver.log"
rm -rf "$work/sa"
dotnet "$server_dll" --spec "$spec" --sa-dir "$work/sa" --kubeconfig "$work/kubeconfig" \
  --service-account default/pod-tool --no-bootstrap-rules \
  --apply "$work/publish/rbac.yaml" --apply "$here/deploy/rolebinding.yaml" \
  --seed "$here/demo-pods.yaml" --pod-log "default/web/app=$here/demo-web.log" >"$log" 2>&1 &
emulator_pid=$!
for _ in $(seq 300); do
  grep -q '^Press Ctrl+C to stop' "$log" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$log" >&2; emulator_pid=""; fail "the emulator exited"; }
  sleep 0.1
done
grep -q '^Press Ctrl+C to stop' "$log" || { cat "$log" >&2; fail "the emulator did not start within 30 s"; }
host=$(sed -n 's/^KUBERNETES_SERVICE_HOST=//p' "$log" | head -n 1)
port=$(sed -n 's/^KUBERNETES_SERVICE_PORT=//p' "$log" | head -n 1)

# ---- 3. PodTool, as in a pod -------------------------------------------------------------
# Runs PodTool with the pod's environment; prints and returns its exit code.
pod_tool() {
  say "PodTool $*"
  local status=0
  env -u KUBECONFIG "KUBERNETES_SERVICE_HOST=$host" "KUBERNETES_SERVICE_PORT=$port" "KUBEGEN_SERVICEACCOUNT_DIR=$work/sa" \
    "$binary" "$@" || status=$?
  say "PodTool exited with $status"
  return "$status"
}

pod_tool logs web -f
pod_tool logs web --tail 2
pod_tool exec web -- hostname
status=0
pod_tool exec web -- sh -c 'echo checking the disk; echo disk almost full >&2; exit 3' || status=$?
[[ "$status" == 3 ]] || fail "the failing command's exit code was $status, not 3"
say "Done: the failing command's exit code came back as PodTool's"
