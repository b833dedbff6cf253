# shellcheck shell=bash
# What the samples' demo.sh scripts share; each sources it (`source "$here/../demo-common.sh"`).
# Defines say, fail, elapsed, run_build, stop_process, and:
#   ensure_aot_toolchain   sets aot=1 when clang can link against zlib; installs clang/zlib1g-dev first
#                          when it cannot and this runs as root with apt-get (quietly, saying what);
#                          otherwise aot=0 and the demo runs its sample JIT-compiled
#   detect_rid             sets rid (linux-x64, linux-arm64)
#   make_work_dir VAR NAME sets work (and keep_work=1) from the environment variable VAR when it is
#                          given, else a new temporary directory (keep_work=0) named after NAME

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
