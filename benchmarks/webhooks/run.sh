#!/usr/bin/env bash
# Admission webhook latency under a steady load: samples/LabelPolicy published with Native AOT and served
# over TLS on loopback, sent AdmissionReviews at a fixed rate by WebhookLoad (open loop over one HTTP/2
# connection, as kube-apiserver's client keeps one; each request's latency counts from the moment it was
# due, so a stall cannot hide the requests queued behind it). One pass per webhook path:
#   /validate/require-app-label.label-policy.kubegen.dev   a validating handler (the pod is allowed)
#   /mutate/pod-defaults.label-policy.kubegen.dev          a mutating handler (a JSON Patch is computed)
# Prints the machine, the load average before and after, the binary's size, latency percentiles per path and
# the webhook's RSS. The load generator runs on the same machine: on few cores it competes with the webhook,
# so the numbers are an upper bound of what the webhook alone costs. Needs the .NET 10 SDK, clang,
# zlib1g-dev and openssl.
#
# Environment (defaults in brackets):
#   RATE [200] requests/s   DURATION [30] seconds measured per path   WARMUP [5] seconds per path, not recorded
#   MAX_LOAD []  after building, wait (up to 15 min) until the 1-minute load average is below it before measuring
#   WEBHOOK_BENCH_DIR  work directory (publish, certificates, logs); kept when given, else a temporary one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rate="${RATE:-200}"
seconds="${DURATION:-30}"
warmup="${WARMUP:-5}"

# shellcheck source=../../samples/demo-common.sh
source "$root/samples/demo-common.sh"

command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH"
command -v openssl >/dev/null 2>&1 || fail "openssl is not on PATH (it makes the certificates): apt-get install -y openssl"
require_aot_toolchain
detect_rid
make_work_dir WEBHOOK_BENCH_DIR webhook-bench

stop_on_exit

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
build_flags=(--artifacts-path "$work/artifacts" --disable-build-servers -tl:off -nologo -v:q)

say "Publishing samples/LabelPolicy as Native AOT ($rid)"
run_build "$work/publish.log" dotnet publish "$root/samples/LabelPolicy/LabelPolicy.csproj" -c Release -r "$rid" -o "$work/publish" "${build_flags[@]}"
binary="$work/publish/LabelPolicy"
say "Building the load generator (benchmarks/webhooks/WebhookLoad)"
run_build "$work/load-build.log" dotnet build "$here/WebhookLoad/WebhookLoad.csproj" -c Release "${build_flags[@]}"
load_dll="$work/artifacts/bin/WebhookLoad/release/WebhookLoad.dll"
[[ -f "$load_dll" ]] || fail "the build produced no $load_dll"

# A CA and a serving certificate for the Service's name (what the webhook checks at start) and for
# 127.0.0.1 (what the load generator connects to).
certs="$work/certs"
dns=label-policy.label-policy.svc
make_serving_certificate "$certs" "webhook bench CA" "$dns" "DNS:$dns,IP:127.0.0.1"

# Information logging writes a line per admission; a deployed webhook logs the same way, so it stays on.
LABEL_POLICY_CERT_DIR="$certs" LABEL_POLICY_NAMESPACE=label-policy LABEL_POLICY_PORT=0 ASPNETCORE_URLS= \
  "$binary" >"$work/webhook.log" 2>&1 &
webhook_pid=$!
pids+=("$webhook_pid")
wait_for_line "$work/webhook.log" 'Now listening on: https://' "$webhook_pid" "the webhook"
port=$(sed -n 's#.*Now listening on: https://[^ ]*:\([0-9][0-9]*\).*#\1#p' "$work/webhook.log" | head -n 1)

if [[ -n "${MAX_LOAD:-}" ]]; then
  say "Waiting for the 1-minute load average to fall below $MAX_LOAD (now $(cut -d' ' -f1 /proc/loadavg))"
  for _ in $(seq 180); do
    awk -v max="$MAX_LOAD" '{ exit !($1 < max) }' /proc/loadavg && break
    sleep 5
  done
fi

size=$(stat -c %s "$binary")
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "dotnet: $(dotnet --version)"
echo "LabelPolicy native binary: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f MiB", s / 1048576 }'))"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$load_dll" --url "https://127.0.0.1:$port" --ca "$certs/ca.crt" --rate "$rate" --seconds "$seconds" --warmup "$warmup" \
  --pid "$webhook_pid" --path /validate/require-app-label.label-policy.kubegen.dev --path /mutate/pod-defaults.label-policy.kubegen.dev
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
