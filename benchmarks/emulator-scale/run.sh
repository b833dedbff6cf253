#!/usr/bin/env bash
# The API server emulator at scale (docs/benchmarks.md, "Emulator at scale"): builds KubeGen.ApiServer and
# the driver in Release, then runs the driver against an emulator process serving the fixture spec.
# Prints a markdown block (machine, date, load average, throughput, the server's RSS). Run it on a quiet
# machine; the load average it prints says how quiet it was.
#
# Environment (defaults in brackets): OBJECTS [10000]  WATCHERS [100]  UPDATES [2000]  STALLED_UPDATES [10000]  CONCURRENCY [32]
#   WATCH_QUEUE [1000]  EMULATOR_SCALE_DIR  build output (kept when given, else a temporary one).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${EMULATOR_SCALE_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/emulator-scale.XXXXXX")}"
mkdir -p "$work"
[[ -n "${EMULATOR_SCALE_DIR:-}" ]] || trap 'rm -rf "$work"' EXIT
flags=(-c Release --artifacts-path "$work/artifacts" --disable-build-servers -tl:off -nologo -v:q)

dotnet build "$root/src/KubeGen.ApiServer/KubeGen.ApiServer.csproj" "${flags[@]}" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet build "$here/EmulatorScale.csproj" "${flags[@]}" >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dotnet "$work/artifacts/bin/EmulatorScale/release/EmulatorScale.dll" \
  --server-dll "$work/artifacts/bin/KubeGen.ApiServer/release/KubeGen.ApiServer.dll" \
  --spec "$root/fixtures/openapi/mini-cluster.swagger.json" \
  --objects "${OBJECTS:-10000}" --watchers "${WATCHERS:-100}" --updates "${UPDATES:-2000}" --stalled-updates "${STALLED_UPDATES:-10000}" \
  --concurrency "${CONCURRENCY:-32}" --watch-queue "${WATCH_QUEUE:-1000}"
