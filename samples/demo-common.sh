# shellcheck shell=bash
# What the samples' demo.sh scripts share; each sources it (`source "$here/../demo-common.sh"`).
# Defines say, fail, elapsed, run_build, stop_process, and:
#   ensure_aot_toolchain   sets aot=1 when clang can link against zlib; installs clang/zlib1g-dev first
#                          when it cannot and this runs as root with apt-get (quietly, saying what);
#                          otherwise aot=0 and the demo runs its sample JIT-compiled
#   require_aot_toolchain  the same, for demos that need the native binary: fails with what to install
#   detect_rid             sets rid (linux-x64, linux-arm64)
#   make_work_dir VAR NAME sets work (and keep_work=1) from the environment variable VAR when it is
#                          given, else a new temporary directory (keep_work=0) named after NAME
#   publish_or_build NAME PROJECT [ARGS...]
#                          with aot=1 publishes PROJECT as Native AOT into $work/publish (size: the binary's
#                          bytes), else builds it JIT-compiled into $work/jit; app is the command that runs
#                          it; ARGS go to dotnet, with $build_flags
#   stop_on_exit           on exit (also after Ctrl+C or SIGTERM) stops every process in the array pids
#                          and removes the work directory unless it is kept; the exit status is kept
#   make_serving_certificate DIR CA_NAME CN SAN
#                          what cert-manager puts in a webhook's Secret: DIR/ca.crt, and DIR/tls.crt and
#                          DIR/tls.key (EC P-256) signed by it for SAN (openssl's form: DNS:a.svc,IP:127.0.0.1)
#   wait_for_line LOG PATTERN [PID WHAT]
#                          waits up to 30 s for a line matching PATTERN in LOG; fails early when the
#                          process PID (called WHAT) exits first

say() { printf '==> %s\n' "$*"; }
fail() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

can_link() { command -v clang >/dev/null 2>&1 && printf 'int main(void){return 0;}\n' | clang -x c - -lz -o /dev/null >/dev/null 2>&1; }

missing_aot_packages() {
  local missing=()
  command -v clang >/dev/null 2>&1 || missing+=(clang)
  if ! { command -v dpkg >/dev/null 2>&1 && dpkg -s zlib1g-dev >/dev/null 2>&1; } && ! can_link; then
    missing+=(zlib1g-dev)
  fi
  echo "${missing[*]:-}"
}

ensure_aot_toolchain() {
  aot=1
  if ! can_link; then
    local packages apt_log
    packages=$(missing_aot_packages)
    packages=${packages:-clang zlib1g-dev}
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      say "Installing $packages for the Native AOT link (apt-get)"
      apt_log="$(mktemp)"
      # shellcheck disable=SC2086  # a list of package names
      if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages; } >"$apt_log" 2>&1; then
        tail -n 5 "$apt_log" >&2
      fi
      rm -f "$apt_log"
    fi
    can_link || aot=0
  fi
}

require_aot_toolchain() {
  ensure_aot_toolchain
  [[ "$aot" == 1 ]] || fail "Native AOT needs clang and zlib1g-dev (as root: apt-get install -y clang zlib1g-dev)"
}

detect_rid() {
  case "$(uname -m)" in
    x86_64 | amd64) rid=linux-x64 ;;
    aarch64 | arm64) rid=linux-arm64 ;;
    *) fail "unsupported architecture $(uname -m)" ;;
  esac
}

make_work_dir() {
  local given="${!1:-}"
  if [[ -n "$given" ]]; then
    work="$given"
    keep_work=1
    mkdir -p "$work"
  else
    work="$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")"
    keep_work=0
  fi
  work="$(cd "$work" && pwd)"
}

# Runs a build quietly; on failure shows its log.
run_build() {
  local log="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "failed: $*"
  fi
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }

# SIGTERM, up to 5 s to exit, then SIGKILL.
stop_process() {
  local pid=$1
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}

wait_for_line() {
  local log=$1 pattern=$2 pid=${3:-} what=${4:-the process}
  for _ in $(seq 300); do
    grep -q -- "$pattern" "$log" 2>/dev/null && return 0
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      fail "$what exited"
    fi
    sleep 0.1
  done
  cat "$log" >&2
  fail "no line matching '$pattern' in $log within 30 s"
}

pids=()
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup_on_exit() {
  local status=$? pid
  for pid in "${pids[@]}"; do stop_process "$pid"; done
  [[ "${keep_work:-1}" == 1 ]] || rm -rf "$work"
  exit "$status"
}
stop_on_exit() {
  trap cleanup_on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

make_serving_certificate() {
  local dir=$1 ca_name=$2 cn=$3 san=$4 log
  mkdir -p "$dir"
  log="$(mktemp)"
  if ! {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$ca_name" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" &&
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" -keyout "$dir/tls.key" -out "$dir/tls.csr" &&
      printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$dir/ext.cnf" &&
      openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 1 \
        -extfile "$dir/ext.cnf" -out "$dir/tls.crt"
  } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    fail "openssl could not make the certificates"
  fi
  rm -f "$log" "$dir/ca.key" "$dir/tls.csr" "$dir/ext.cnf" "$dir/ca.srl"
}

publish_or_build() {
  local name=$1 project=$2 t
  shift 2
  t=$(date +%s.%N)
  if [[ "$aot" == 1 ]]; then
    say "Publishing $name as Native AOT ($rid) into $work/publish"
    run_build "$work/publish.log" dotnet publish "$project" -c Release -r "$rid" -o "$work/publish" "$@" "${build_flags[@]}"
    [[ -x "$work/publish/$name" ]] || fail "the publish produced no $work/publish/$name"
    app=("$work/publish/$name")
    size=$(stat -c %s "${app[0]}")
    say "Published in $(elapsed "$t"): ${app[0]} ($(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1048576 }'), $size bytes)"
  else
    say "Building $name JIT-compiled (no clang/zlib for Native AOT) into $work/jit"
    run_build "$work/jit-build.log" dotnet build "$project" -c Release -o "$work/jit" "$@" "${build_flags[@]}"
    [[ -f "$work/jit/$name.dll" ]] || fail "the build produced no $work/jit/$name.dll"
    app=(dotnet "$work/jit/$name.dll")
    say "Built in $(elapsed "$t")"
  fi
}
