#!/usr/bin/env bash
# Side by side: KubeGen against KubernetesClient.Aot 21.0.8 and a hand-written floor, all three listing the
# pods of a namespace and printing NAME PHASE RESTARTS AGE NODE, connected in-cluster style. One run measures:
#   1. clean Native AOT publish time of each app (restore done beforehand, untimed; a fresh artifacts path
#      per publish, so obj/ and bin/ are empty; no build servers), median of PUBLISH_RUNS, interleaved;
#      KubeGen's generator and runtime projects are built untimed first (what a package user never compiles),
#      and once more timed "from source" (KUBEGEN_SOURCE_RUNS times);
#   2. the native binary's size;
#   3. against the KubeGen API server emulator seeded with PODS pods: process start -> the list printed
#      (first line of output; the table is written in one write) and peak RSS (/usr/bin/time %M, the
#      kernel's maxrss), median of START_RUNS runs interleaved across the apps (order rotated each round);
#   4. the BenchmarkDotNet deserialization benchmark (5,000-pod PodList, KubeGen vs KubernetesClient's
#      KubernetesJson) in tests/KubeGen.WatchBenchmarks (BENCH=0 skips it).
# Prints a markdown report and writes it to RESULTS. Needs the .NET 10 SDK, clang, zlib1g-dev and GNU time.
#
# Environment (defaults in brackets):
#   PUBLISH_RUNS [3]  START_RUNS [20]  PODS [50]  KUBEGEN_SOURCE_RUNS [1]  BENCH [1]  BENCH_QUICK [0]
#   RESULTS [benchmarks/side-by-side/results.md]
#   SIDE_BY_SIDE_DIR  work directory (publishes, emulator, logs); kept when given, else a temporary one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
spec="$root/fixtures/openapi/mini-cluster.swagger.json"
publish_runs="${PUBLISH_RUNS:-3}"
start_runs="${START_RUNS:-20}"
pods="${PODS:-50}"
source_runs="${KUBEGEN_SOURCE_RUNS:-1}"
bench="${BENCH:-1}"
results="${RESULTS:-$here/results.md}"
apps=(KubeGenPodList KubernetesClientAotPodList FloorPodList)

say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH"
command -v clang >/dev/null 2>&1 || fail "Native AOT needs clang and zlib1g-dev: apt-get install -y clang zlib1g-dev"
[[ -x /usr/bin/time ]] || fail "peak RSS needs GNU time: apt-get install -y time"
case "$(uname -m)" in
  x86_64 | amd64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) fail "unsupported architecture $(uname -m)" ;;
esac

if [[ -n "${SIDE_BY_SIDE_DIR:-}" ]]; then
  work="$SIDE_BY_SIDE_DIR"
  keep_work=1
  mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")"
  keep_work=0
fi
work="$(cd "$work" && pwd)"

emulator_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local status=$?
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$emulator_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  [[ "$keep_work" == 1 ]] || rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
quiet=(--disable-build-servers -tl:off -nologo -v:q)

run_logged() {
  local log="$1"
  shift
  "$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; fail "failed: $* (log: $log)"; }
}

# Median of numbers on stdin (one per line).
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "n/a"; exit } if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# min-max of numbers on stdin.
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", b - a }'; }
mib() { awk -v s="$1" 'BEGIN { printf "%.2f", s / 1048576 }'; }

load() { cut -d' ' -f1-3 /proc/loadavg; }
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_start="$(load)"
say "Work directory: $work (load average at start: $load_start)"

# ---- 1. publish ----------------------------------------------------------------------------------
mkdir -p "$work/publish" "$work/logs"
declare -A publish_file binary
project_of() { echo "$here/$1/$1.csproj"; }

# $1 app, $2 run label, $3 "prebuilt" (KubeGen's generator and runtime built before the timer) or "source".
publish_once() {
  local app="$1" label="$2" mode="$3"
  local art="$work/publish/$app-$label" log="$work/logs/publish-$app-$label.log"
  rm -rf "$art"
  run_logged "$work/logs/restore-$app-$label.log" dotnet restore "$(project_of "$app")" -r "$rid" --artifacts-path "$art" "${quiet[@]}"
  if [[ "$app" == KubeGenPodList && "$mode" == prebuilt ]]; then
    # What the KubeGen package would bring prebuilt: the generator and the runtime (net10.0).
    run_logged "$work/logs/prebuild-$label.log" dotnet build "$root/src/KubeGen.Generator/KubeGen.Generator.csproj" -c Release --no-restore --artifacts-path "$art" "${quiet[@]}"
    run_logged "$work/logs/prebuild-rt-$label.log" dotnet build "$root/src/KubeGen.Runtime/KubeGen.Runtime.csproj" -c Release -f net10.0 --no-restore --artifacts-path "$art" "${quiet[@]}"
  fi
  local t0="$EPOCHREALTIME"
  # Warnings are printed (-v:m) so that they can be counted; they fail the build unless the app allows them.
  # GNU time adds the CPU seconds of the whole process tree (MSBuild nodes, csc, ILC and the linker are waited-for
  # children), which the machine's load affects far less than the wall time.
  run_logged "$log" /usr/bin/time -f 'cpu %U %S' -o "$art.cpu" dotnet publish "$(project_of "$app")" -c Release -r "$rid" \
    --no-restore --artifacts-path "$art" -o "$art/out" --disable-build-servers -tl:off -nologo -v:m -clp:NoSummary
  seconds_since "$t0" >>"${publish_file[$app-$mode]}"
  awk '$1 == "cpu" { printf "%.1f\n", $2 + $3 }' "$art.cpu" >>"${publish_file[$app-$mode]%.txt}.cpu.txt"
  binary[$app]="$art/out/$app"
  [[ -x "${binary[$app]}" ]] || fail "the publish produced no ${binary[$app]}"
}

for app in "${apps[@]}"; do
  publish_file[$app-prebuilt]="$work/publish-$app-prebuilt.txt"
done
publish_file[KubeGenPodList-source]="$work/publish-KubeGenPodList-source.txt"
for f in "${publish_file[@]}"; do : >"$f"; : >"${f%.txt}.cpu.txt"; done

for run in $(seq "$publish_runs"); do
  for app in "${apps[@]}"; do
    say "Publish $run/$publish_runs: $app"
    publish_once "$app" "$run" prebuilt
  done
done
for run in $(seq "$source_runs"); do
  say "Publish $run/$source_runs: KubeGenPodList, generator and runtime compiled too"
  publish_once KubeGenPodList "source-$run" source
done

# The binaries measured below are those of the last prebuilt publish (PUBLISH_RUNS=0: those in BINARY_DIR).
for app in "${apps[@]}"; do
  if [[ "$publish_runs" == 0 ]]; then
    binary[$app]="${BINARY_DIR:?PUBLISH_RUNS=0 needs BINARY_DIR with the three published binaries}/$app"
  else
    binary[$app]="$work/publish/$app-$publish_runs/out/$app"
  fi
  [[ -x "${binary[$app]}" ]] || fail "no binary ${binary[$app]}"
done

declare -A size warnings
for app in "${apps[@]}"; do
  size[$app]=$(stat -c %s "${binary[$app]}")
  # Trim/AOT warnings (ILxxxx) of the last publish, distinct.
  log="$work/logs/publish-$app-$publish_runs.log"
  warnings[$app]=$( (grep -oE 'warning IL[0-9]+' "$log" 2>/dev/null || true) | sort -u | sed 's/warning //' | paste -sd, -)
done

# ---- 2. the emulator and its pods ------------------------------------------------------------
say "Building the API server emulator"
run_logged "$work/logs/apiserver-build.log" dotnet build "$root/src/KubeGen.ApiServer/KubeGen.ApiServer.csproj" -c Release --artifacts-path "$work/apiserver" "${quiet[@]}"
server_dll="$work/apiserver/bin/KubeGen.ApiServer/release/KubeGen.ApiServer.dll"
[[ -f "$server_dll" ]] || fail "the build produced no $server_dll"

# PODS pods in "default": 1-3 containers, labels, an owner, status with restarts, ages from seconds to months.
seed="$work/pods.yaml"
now=$(date +%s)
phases=(Running Running Running Running Pending Succeeded Running Failed)
: >"$seed"
for i in $(seq 0 $((pods - 1))); do
  app_name="app-$((i % 7))"
  containers=$((i % 3 + 1))
  age=$(( (i * i * 577 + 31) % (90 * 86400) ))
  {
    printf -- '---\napiVersion: v1\nkind: Pod\nmetadata:\n'
    printf '  name: %s-6f7d8c9b5-%05d\n  namespace: default\n' "$app_name" "$i"
    printf '  creationTimestamp: "%s"\n' "$(date -u -d "@$((now - age))" +%Y-%m-%dT%H:%M:%SZ)"
    printf '  labels: {app: %s, pod-template-hash: 6f7d8c9b5}\n' "$app_name"
    printf '  annotations: {prometheus.io/scrape: "true"}\n'
    printf '  ownerReferences:\n  - {apiVersion: apps/v1, kind: ReplicaSet, name: %s-6f7d8c9b5, uid: 0a1b2c3d-0000-4000-8000-%012d, controller: true}\n' "$app_name" "$((i % 7))"
    printf 'spec:\n  nodeName: node-%d\n  containers:\n' "$((i % 5))"
    for c in $(seq "$containers"); do
      printf '  - name: c%d\n    image: registry.example/%s:1.%d\n    resources: {requests: {cpu: 100m, memory: 128Mi}}\n' "$c" "$app_name" "$c"
    done
    printf 'status:\n  phase: %s\n  podIP: 10.244.%d.%d\n  containerStatuses:\n' "${phases[$((i % ${#phases[@]}))]}" "$((i / 250))" "$((i % 250 + 2))"
    for c in $(seq "$containers"); do
      printf '  - {name: c%d, image: "registry.example/%s:1.%d", imageID: "", ready: true, restartCount: %d}\n' "$c" "$app_name" "$c" "$(( (i * c) % 11 == 0 ? i % 4 : 0 ))"
    done
  } >>"$seed"
done

say "Starting the emulator with $pods pods"
server_log="$work/apiserver.log"
dotnet "$server_dll" --spec "$spec" --seed "$seed" --sa-dir "$work/sa" --kubeconfig "$work/kubeconfig" >"$server_log" 2>&1 &
emulator_pid=$!
for _ in $(seq 600); do
  grep -q '^Press Ctrl+C to stop' "$server_log" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$server_log" >&2; emulator_pid=""; fail "the emulator exited"; }
  sleep 0.1
done
grep -q '^Press Ctrl+C to stop' "$server_log" || { cat "$server_log" >&2; fail "the emulator did not start within 60 s"; }
value() { sed -n "s/^$1=//p" "$server_log" | head -n 1; }
export KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT KUBEGEN_SERVICEACCOUNT_DIR
KUBERNETES_SERVICE_HOST=$(value KUBERNETES_SERVICE_HOST)
KUBERNETES_SERVICE_PORT=$(value KUBERNETES_SERVICE_PORT)
KUBEGEN_SERVICEACCOUNT_DIR=$(value KUBEGEN_SERVICEACCOUNT_DIR)
KUBEGEN_SERVICEACCOUNT_DIR=${KUBEGEN_SERVICEACCOUNT_DIR:-$work/sa}

# ---- 3. start -> first list printed, peak RSS ----------------------------------------------------
# One run: the time from just before the process is started to the moment the first line of its output
# (the table header, written together with the rows) can be read, and the process's maxrss.
measure() {
  local app="$1" out="$work/out-$1.txt" t0 t1
  t0="$EPOCHREALTIME"
  /usr/bin/time -f '%M %U %S' -o "$work/rss-$app.tmp" "${binary[$app]}" | {
    IFS= read -r first
    printf '%s\n' "$EPOCHREALTIME"
    printf '%s\n' "$first"
    cat
  } >"$out" || fail "$app failed (output: $out)"
  t1=$(head -n 1 "$out")
  [[ "$(sed -n 2p "$out")" == NAME* ]] || { cat "$out" >&2; fail "$app did not print the table"; }
  [[ $(($(wc -l <"$out") - 2)) == "$pods" ]] || fail "$app printed $(($(wc -l <"$out") - 2)) pods, expected $pods"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) * 1000 }' >>"$work/start-$app.txt"
  tail -n 1 "$work/rss-$app.tmp" | awk '{ print $1 }' >>"$work/rss-$app.txt"
  tail -n 1 "$work/rss-$app.tmp" | awk '{ printf "%.0f\n", ($2 + $3) * 1000 }' >>"$work/cpu-$app.txt"
}

# Warm-up (page cache, the emulator's JIT) and a check that all three print the same pods.
for app in "${apps[@]}"; do
  for _ in 1 2; do measure "$app"; done
  : >"$work/start-$app.txt"
  : >"$work/rss-$app.txt"
  : >"$work/cpu-$app.txt"
  # AGE is left out: it depends on the moment of printing.
  tail -n +2 "$work/out-$app.txt" | awk '{ print $1, $2, $3, $5 }' >"$work/table-$app.txt"
done
for app in "${apps[@]}"; do
  cmp -s "$work/table-${apps[0]}.txt" "$work/table-$app.txt" || {
    diff "$work/table-${apps[0]}.txt" "$work/table-$app.txt" >&2 || true
    fail "$app printed a different table than ${apps[0]}"
  }
done
say "All three print the same $pods pods:"
sed -n '2,6p' "$work/out-${apps[0]}.txt" >&2

load_runs_start="$(load)"
for run in $(seq "$start_runs"); do
  # Rotate the order, so that no app always runs right after the same other one.
  for k in 0 1 2; do
    measure "${apps[$(((run + k) % 3))]}"
  done
done
load_runs_end="$(load)"
say "Start-up runs done (load average $load_runs_start -> $load_runs_end)"

# ---- 4. deserialization benchmark ---------------------------------------------------------------
bench_table=""
if [[ "$bench" == 1 ]]; then
  say "BenchmarkDotNet: 5,000-pod PodList deserialization"
  run_logged "$work/logs/bench-build.log" dotnet build "$root/tests/KubeGen.WatchBenchmarks/KubeGen.WatchBenchmarks.csproj" -c Release --artifacts-path "$work/bench" "${quiet[@]}"
  quick=()
  [[ "${BENCH_QUICK:-0}" == 1 ]] && quick=(--quick)
  load_bench_start="$(load)"
  # DOTNET_TC_CallCountingDelayMs=0: under BenchmarkDotNet's in-process engine on this loaded machine the JIT kept
  # postponing tier-1 compilation, and KubeGen's generated converters stayed at tier 0 for the whole run (3-4 s per
  # list instead of 0.2-0.4 s; a plain loop in a console app tiers up normally). Both clients run under the same setting.
  (cd "$work" && DOTNET_TC_CallCountingDelayMs=0 run_logged "$work/logs/bench-run.log" "$work/bench/bin/KubeGen.WatchBenchmarks/release/KubeGen.WatchBenchmarks" \
    --filter '*PodListDeserialization*' --artifacts "$work/bdn" "${quick[@]}")
  load_bench_end="$(load)"
  report=$(find "$work/bdn" -name '*PodListDeserializationBenchmarks-report-github.md' | head -n 1)
  [[ -n "$report" ]] || fail "BenchmarkDotNet wrote no report (log: $work/logs/bench-run.log)"
  bench_table="$(grep -E '^\|' "$report")"
  # shellcheck disable=SC2016  # backticks: the report's code fence, not an expansion
  bench_env="$(sed -n '/^```/,/^```/p' "$report" | grep -v '^```')"
  bench_json=$(grep -m1 -o '// PodList: .*' "$work/logs/bench-run.log" || true)
fi

# ---- report ---------------------------------------------------------------------------------------
cpu_model=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
cpus=$(nproc)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=""
if git -C "$root" status --porcelain 2>/dev/null | grep -q .; then dirty=" (working tree with uncommitted changes)"; fi

declare -A pub_median pub_range pub_cpu start_median start_range rss_median cpu_median
for app in "${apps[@]}"; do
  pub_median[$app]=$(median <"${publish_file[$app-prebuilt]}")
  pub_range[$app]=$(range <"${publish_file[$app-prebuilt]}")
  pub_cpu[$app]=$(median <"${publish_file[$app-prebuilt]%.txt}.cpu.txt")
  cpu_median[$app]=$(median <"$work/cpu-$app.txt")
  start_median[$app]=$(median <"$work/start-$app.txt")
  start_range[$app]=$(range <"$work/start-$app.txt")
  rss_median[$app]=$(median <"$work/rss-$app.txt")
done
source_median=$(median <"${publish_file[KubeGenPodList-source]}")
source_range=$(range <"${publish_file[KubeGenPodList-source]}")
source_cpu=$(median <"${publish_file[KubeGenPodList-source]%.txt}.cpu.txt")
kg=KubeGenPodList kc=KubernetesClientAotPodList fl=FloorPodList

{
  echo "# Side by side with KubernetesClient: results"
  echo
  echo "Produced by \`bash benchmarks/side-by-side/run.sh\` (PUBLISH_RUNS=$publish_runs, START_RUNS=$start_runs, PODS=$pods)."
  echo
  echo "| | |"
  echo "| --- | --- |"
  echo "| date | $started_at |"
  echo "| CPU | $cpu_model, $cpus cores (\`lscpu\`: $(lscpu | sed -n 's/^Thread(s) per core:[[:space:]]*/threads per core /p' | head -n 1)) |"
  echo "| OS | $(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | tr -d '"'), kernel $(uname -r) |"
  echo "| .NET SDK | $(dotnet --version) |"
  echo "| commit | $commit$dirty |"
  echo "| load average (1, 5, 15 min) | start $load_start; start-up runs $load_runs_start -> $load_runs_end${load_bench_start:+; benchmark $load_bench_start -> $load_bench_end} |"
  echo
  echo "| | KubeGen | KubernetesClient.Aot 21.0.8 | floor (HttpClient + STJ) | KubeGen / floor | KubeGen / KubernetesClient.Aot |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  echo "| native binary | ${size[$kg]} B ($(mib "${size[$kg]}") MiB) | ${size[$kc]} B ($(mib "${size[$kc]}") MiB) | ${size[$fl]} B ($(mib "${size[$fl]}") MiB) | $(ratio "${size[$kg]}" "${size[$fl]}") | $(ratio "${size[$kg]}" "${size[$kc]}") |"
  echo "| clean AOT publish, median of $publish_runs (min-max) | ${pub_median[$kg]} s (${pub_range[$kg]}) | ${pub_median[$kc]} s (${pub_range[$kc]}) | ${pub_median[$fl]} s (${pub_range[$fl]}) | $(ratio "${pub_median[$kg]}" "${pub_median[$fl]}") | $(ratio "${pub_median[$kg]}" "${pub_median[$kc]}") |"
  echo "| … its CPU time (user + sys), median | ${pub_cpu[$kg]} s | ${pub_cpu[$kc]} s | ${pub_cpu[$fl]} s | $(ratio "${pub_cpu[$kg]}" "${pub_cpu[$fl]}") | $(ratio "${pub_cpu[$kg]}" "${pub_cpu[$kc]}") |"
  [[ "$source_runs" == 0 ]] || echo "| KubeGen publish with its generator and runtime compiled too, median of $source_runs (min-max); CPU | $source_median s ($source_range); CPU $source_cpu s | | | $(ratio "$source_median" "${pub_median[$fl]}") | $(ratio "$source_median" "${pub_median[$kc]}") |"
  echo "| start -> list printed, median of $start_runs (min-max) | ${start_median[$kg]} ms (${start_range[$kg]}) | ${start_median[$kc]} ms (${start_range[$kc]}) | ${start_median[$fl]} ms (${start_range[$fl]}) | $(ratio "${start_median[$kg]}" "${start_median[$fl]}") | $(ratio "${start_median[$kg]}" "${start_median[$kc]}") |"
  echo "| … CPU time of the process (user + sys), median | ${cpu_median[$kg]} ms | ${cpu_median[$kc]} ms | ${cpu_median[$fl]} ms | $(ratio "${cpu_median[$kg]}" "${cpu_median[$fl]}") | $(ratio "${cpu_median[$kg]}" "${cpu_median[$kc]}") |"
  echo "| peak RSS, median of $start_runs | $(awk -v k="${rss_median[$kg]}" 'BEGIN { printf "%.1f", k / 1024 }') MiB | $(awk -v k="${rss_median[$kc]}" 'BEGIN { printf "%.1f", k / 1024 }') MiB | $(awk -v k="${rss_median[$fl]}" 'BEGIN { printf "%.1f", k / 1024 }') MiB | $(ratio "${rss_median[$kg]}" "${rss_median[$fl]}") | $(ratio "${rss_median[$kg]}" "${rss_median[$kc]}") |"
  echo "| trim/AOT warnings in the publish | ${warnings[$kg]:-none} | ${warnings[$kc]:-none} | ${warnings[$fl]:-none} | | |"
  if [[ -n "$bench_table" ]]; then
    echo
    echo "Deserialization of one PodList, in memory (BenchmarkDotNet, \`tests/KubeGen.WatchBenchmarks\`, \`--filter '*PodListDeserialization*'\`). ${bench_json#// }"
    echo
    echo '```'
    echo "$bench_env"
    echo '```'
    echo
    echo "$bench_table"
  fi
} >"$results"

cat "$results"
say "Written to $results"
