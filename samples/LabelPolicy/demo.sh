#!/usr/bin/env bash
# LabelPolicy end to end on this machine, no cluster needed:
#   1. publishes samples/LabelPolicy as a Native AOT binary,
#   2. makes a CA and a serving certificate for label-policy.label-policy.svc (openssl) in a
#      Secret-like directory (tls.crt, tls.key, ca.crt) and starts the webhook on it,
#   3. starts the KubeGen API server emulator (src/KubeGen.ApiServer), which reaches the Service
#      label-policy/label-policy at the webhook's port, and stores the webhook configurations the
#      binary prints (--print-manifests --ca-bundle ca.crt),
#   4. creates three pods through the emulator, which calls the webhook as kube-apiserver would:
#      one allowed as it is, one mutated (default label and resource requests, with a warning),
#      one denied (no app label), and prints what came back,
#   5. stops both.
# Needs the .NET 10 SDK, openssl and curl. Native AOT also needs clang and zlib1g-dev: when they are
# missing the script installs them (as root, with apt-get), and when it cannot, it runs the same
# sample JIT-compiled (dotnet LabelPolicy.dll) and says how to get the native binary.
#
# Environment:
#   LABELPOLICY_DEMO_DIR   work directory (publish output, build artifacts, certificates, logs); it
#                          is kept when given, otherwise a temporary one is created and removed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
spec="$root/fixtures/openapi/mini-cluster.swagger.json"
admission_spec="$root/fixtures/openapi/mini-admissionregistration.swagger.json"
service_namespace=label-policy
service_name=label-policy

# shellcheck source=../demo-common.sh
source "$here/../demo-common.sh"

# ---- prerequisites ------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is not on PATH: https://dot.net/download"
command -v openssl >/dev/null 2>&1 || fail "openssl is not on PATH (it makes the demo's certificates): apt-get install -y openssl"
command -v curl >/dev/null 2>&1 || fail "curl is not on PATH (it sends the demo's requests): apt-get install -y curl"

# Native AOT links with clang against zlib (installed when missing and possible; see demo-common.sh).
ensure_aot_toolchain
detect_rid
make_work_dir LABELPOLICY_DEMO_DIR labelpolicy-demo

stop_on_exit

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Builds of their own: no compiler/MSBuild servers that outlive this script.
build_flags=(--artifacts-path "$work/artifacts" --disable-build-servers -tl:off -nologo -v:q)

started=$(date +%s.%N)

# ---- 1. Native AOT publish (or a JIT build without clang) ------------------------------------
publish_or_build LabelPolicy "$here/LabelPolicy.csproj"

say "Building the API server emulator (src/KubeGen.ApiServer)"
run_build "$work/apiserver-build.log" dotnet build "$root/src/KubeGen.ApiServer/KubeGen.ApiServer.csproj" -c Release "${build_flags[@]}"
server_dll="$work/artifacts/bin/KubeGen.ApiServer/release/KubeGen.ApiServer.dll"
[[ -f "$server_dll" ]] || fail "the build produced no $server_dll"

# ---- 2. the serving certificate and the webhook --------------------------------------------
# What cert-manager would put in the Secret: a CA, and a certificate for the Service's DNS name.
certs="$work/serving-certs"
dns="$service_name.$service_namespace.svc"
make_serving_certificate "$certs" "label-policy demo CA" "$dns" "DNS:$dns,DNS:$dns.cluster.local"
say "Serving certificate for $dns in $certs"

webhook_log="$work/webhook.log"
LABEL_POLICY_CERT_DIR="$certs" LABEL_POLICY_NAMESPACE="$service_namespace" LABEL_POLICY_PORT=0 \
  ASPNETCORE_URLS= "${app[@]}" >"$webhook_log" 2>&1 &
pids+=($!)
wait_for_line "$webhook_log" 'Now listening on: https://' "${pids[-1]}" "the webhook"
webhook_port=$(sed -n 's#.*Now listening on: https://[^ ]*:\([0-9][0-9]*\).*#\1#p' "$webhook_log" | head -n 1)
say "Webhook listening on port $webhook_port (HTTP/2 and HTTP/1.1 over TLS)"

# ---- 3. the emulator, and the webhook configurations ----------------------------------------
server_log="$work/apiserver.log"
dotnet "$server_dll" --spec "$spec" --spec "$admission_spec" --sa-dir "$work/sa" --kubeconfig "$work/kubeconfig" \
  --webhook-service "$service_namespace/$service_name=127.0.0.1:$webhook_port" >"$server_log" 2>&1 &
pids+=($!)
wait_for_line "$server_log" '^Press Ctrl+C to stop' "${pids[-1]}" "the emulator"
url=$(sed -n 's/^KubeGen API server emulator listening on //p' "$server_log" | head -n 1)
say "Emulator listening on $url"

# Every request as the emulator's service account, trusting only its CA.
api() { # api METHOD PATH CONTENT-TYPE BODY-FILE -> prints the status code; body in $work/body, headers in $work/headers
  curl -sS --cacert "$work/sa/ca.crt" -H "Authorization: Bearer $(cat "$work/sa/token")" -H "Content-Type: $3" \
    -X "$1" --data-binary "@$4" -o "$work/body" -D "$work/headers" -w '%{http_code}' "$url$2"
}
json_field() { sed -n "s/.*\"$1\":\"\\(\\([^\"\\\\]\\|\\\\.\\)*\\)\".*/\\1/p" "$work/body" | head -n 1 | sed 's/\\"/"/g'; }
json_object() { grep -o "\"$1\":{[^}]*}" "$work/body" | head -n 1; }

"${app[@]}" --print-manifests --namespace "$service_namespace" --ca-bundle "$certs/ca.crt" >"$work/manifests.yaml"
awk -v dir="$work" '/^---$/ { n++; next } { print > (dir "/manifest-" n ".yaml") }' "$work/manifests.yaml"
for document in "$work"/manifest-*.yaml; do
  case "$(sed -n 's/^kind: //p' "$document")" in
    MutatingWebhookConfiguration) plural=mutatingwebhookconfigurations ;;
    ValidatingWebhookConfiguration) plural=validatingwebhookconfigurations ;;
    *) continue ;; # the Deployment, Service … are for a real cluster
  esac
  code=$(api POST "/apis/admissionregistration.k8s.io/v1/$plural" application/yaml "$document")
  [[ "$code" == 201 ]] || { cat "$work/body" >&2; fail "storing the $plural failed ($code)"; }
  say "Stored the $(sed -n 's/^kind: //p' "$document") from --print-manifests ($(grep -c '^- name: ' "$document") webhooks)"
done

# ---- 4. three pods ------------------------------------------------------------------------
pod() { # pod NAME LABELS RESOURCES
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels: $2
spec:
  containers:
  - name: web
    image: nginx:1.27
    resources: $3
YAML
}
pod web '{app: web, app.kubernetes.io/managed-by: team-a}' '{requests: {cpu: 100m, memory: 128Mi}}' >"$work/web.yaml"
pod api '{app: api}' '{}' >"$work/api.yaml"
pod bare '{}' '{}' >"$work/bare.yaml"

show() { # show TITLE FILE
  local code
  echo
  say "$1"
  code=$(api POST /api/v1/namespaces/default/pods application/yaml "$2")
  if [[ "$code" == 201 ]]; then
    printf '    pod/%s created\n' "$(sed -n 's/.*"metadata":{"name":"\([^"]*\)".*/\1/p' "$work/body" | head -n 1)"
    printf '    %s\n' "$(json_object labels)"
    printf '    %s\n' "$(json_object requests)"
  else
    printf '    %s %s\n' "$code" "$(json_field message)"
  fi
  grep -i '^Warning:' "$work/headers" | tr -d '\r' | sed 's/^/    /' || true
}
show "Allowed as it is: pod web has an app label, requests and a managed-by label" "$work/web.yaml"
show "Mutated: pod api has only an app label; the webhook adds managed-by and requests" "$work/api.yaml"
show "Denied: pod bare has no app label" "$work/bare.yaml"
echo
if [[ "$aot" == 1 ]]; then
  say "Native webhook binary: $size bytes; the whole demo took $(elapsed "$started")"
else
  say "Ran JIT-compiled; for the Native AOT binary install clang and zlib1g-dev (as root: apt-get install -y clang zlib1g-dev) and run demo.sh again."
fi
