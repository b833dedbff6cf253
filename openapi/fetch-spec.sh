#!/usr/bin/env bash
# Fetch a Kubernetes OpenAPI spec for KubeGen: from a live cluster (kubectl) or from a
# Kubernetes release (GitHub). Files are written atomically and checked to be a spec.
# See openapi/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage:
  fetch-spec.sh --cluster [--context NAME] [--v3] [--group-version GV]... [--out-dir DIR]
  fetch-spec.sh --release vX.Y.Z [--v3 --group-version GV]... [--out-dir DIR]

Modes:
  --cluster             Read the spec of the cluster kubectl points at:
                          kubectl get --raw /openapi/v2  ->  DIR/cluster.json
  --release vX.Y.Z      Download api/openapi-spec/swagger.json of that Kubernetes release
                        from github.com/kubernetes/kubernetes (needs internet access):
                                                        ->  DIR/kubernetes-vX.Y.Z.json

Options:
  --context NAME        kubeconfig context to use (--cluster only).
  --v3                  Also fetch OpenAPI v3 group-version documents into DIR/v3/, named
                        like upstream: apis/apps/v1 -> DIR/v3/apis__apps__v1_openapi.json.
                        With --cluster: every group-version listed by GET /openapi/v3,
                        unless --group-version narrows it. With --release: only the
                        group-versions named by --group-version.
  --group-version GV    Only this group-version (repeatable; implies --v3). Accepts
                        apps/v1, apis/apps/v1, v1 (core) or api/v1.
  --out-dir DIR         Where to write (default: the directory of this script).
  -h, --help            Show this help.

Environment:
  KUBECTL               kubectl binary to run (default: kubectl).
EOF
}

die() { echo "fetch-spec: $*" >&2; exit 1; }
usage_error() { echo "fetch-spec: $*" >&2; echo "Try 'fetch-spec.sh --help'." >&2; exit 2; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=""
context=""
release=""
want_v3=0
out_dir="$script_dir"
group_versions=()

while [ $# -gt 0 ]; do
    case "$1" in
        --cluster) [ -z "$mode" ] || usage_error "choose one of --cluster and --release"; mode=cluster ;;
        --release)
            [ -z "$mode" ] || usage_error "choose one of --cluster and --release"
            [ $# -ge 2 ] || usage_error "--release needs a version such as v1.33.1"
            mode=release; release=$2; shift ;;
        --release=*) [ -z "$mode" ] || usage_error "choose one of --cluster and --release"; mode=release; release=${1#*=} ;;
        --context)
            [ $# -ge 2 ] || usage_error "--context needs a name"
            context=$2; shift ;;
        --context=*) context=${1#*=} ;;
        --v3) want_v3=1 ;;
        --group-version)
            [ $# -ge 2 ] || usage_error "--group-version needs a value such as apps/v1"
            group_versions+=("$2"); want_v3=1; shift ;;
        --group-version=*) group_versions+=("${1#*=}"); want_v3=1 ;;
        --out-dir)
            [ $# -ge 2 ] || usage_error "--out-dir needs a directory"
            out_dir=$2; shift ;;
        --out-dir=*) out_dir=${1#*=} ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unknown argument: $1" ;;
    esac
    shift
done

[ -n "$mode" ] || usage_error "choose --cluster or --release vX.Y.Z"
if [ "$mode" = release ]; then
    [ -z "$context" ] || usage_error "--context only applies to --cluster"
    [[ "$release" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-(alpha|beta|rc)\.[0-9]+)?$ ]] \
        || usage_error "release must look like v1.33.1 (got '$release')"
    if [ "$want_v3" = 1 ] && [ ${#group_versions[@]} -eq 0 ]; then
        usage_error "--release with --v3 needs --group-version (a release has no index to list them)"
    fi
fi

mkdir -p "$out_dir"

# ---- helpers ---------------------------------------------------------------

tmp_files=()
cleanup() {
    local f
    for f in "${tmp_files[@]+"${tmp_files[@]}"}"; do rm -f "$f"; done
}
trap cleanup EXIT

# new_tmp DEST: sets TMP to a new temp file next to DEST (same file system, so mv is atomic).
# Not called in $(...), so the EXIT trap sees every temp file.
TMP=""
new_tmp() {
    TMP=$(mktemp "$1.tmp.XXXXXX")
    tmp_files+=("$TMP")
    # mktemp creates 0600 files; give the result the usual permissions under the current umask.
    chmod "$(printf '%04o' $(( 0666 & ~0$(umask) )))" "$TMP"
}

# is_spec FILE: JSON object with a top-level "swagger" or "openapi" key.
is_spec() {
    local file=$1
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$file" <<'EOF'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
except Exception as e:
    print("not valid JSON: %s" % e, file=sys.stderr)
    sys.exit(1)
if not isinstance(doc, dict) or not ("swagger" in doc or "openapi" in doc):
    print("JSON without a top-level 'swagger' or 'openapi' key", file=sys.stderr)
    sys.exit(1)
EOF
    elif command -v jq >/dev/null 2>&1; then
        jq -e 'type == "object" and (has("swagger") or has("openapi"))' "$file" >/dev/null 2>&1 || {
            echo "not JSON, or no top-level 'swagger' or 'openapi' key" >&2; return 1; }
    else
        # Crude fallback: starts like a JSON object and names one of the two keys.
        local first
        first=$(LC_ALL=C tr -d ' \t\r\n' < "$file" | head -c 1)
        [ "$first" = "{" ] || { echo "does not start with '{'" >&2; return 1; }
        grep -Eq '"(swagger|openapi)"[[:space:]]*:' "$file" || {
            echo "no 'swagger' or 'openapi' key" >&2; return 1; }
    fi
}

# commit TMP DEST LABEL: check the download, then move it into place.
commit() {
    local tmp=$1 dest=$2 label=$3
    [ -s "$tmp" ] || die "$label: empty response"
    is_spec "$tmp" || die "$label: the response is not an OpenAPI document"
    mv -f "$tmp" "$dest"
    echo "wrote $dest ($(wc -c < "$dest" | tr -d ' ') bytes)"
}

kubectl_cmd() {
    local k=${KUBECTL:-kubectl}
    command -v "$k" >/dev/null 2>&1 || die "kubectl not found (set KUBECTL or install kubectl)"
    if [ -n "$context" ]; then
        "$k" --context "$context" "$@" < /dev/null
    else
        "$k" "$@" < /dev/null
    fi
}

# normalize_gv GV -> the key used by /openapi/v3 and the v3 file names: api/v1, apis/apps/v1
normalize_gv() {
    local gv=${1#/}
    gv=${gv%/}
    case "$gv" in
        api/*|apis/*) printf '%s\n' "$gv" ;;
        */*) printf 'apis/%s\n' "$gv" ;;
        *) printf 'api/%s\n' "$gv" ;;
    esac
}

v3_file() { # v3_file KEY -> DIR/v3/<key with / replaced by __>_openapi.json
    printf '%s/v3/%s_openapi.json\n' "$out_dir" "${1//\//__}"
}

# parse_v3_index FILE -> lines "key<TAB>serverRelativeURL"
parse_v3_index() {
    local file=$1
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$file" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
paths = doc.get("paths") if isinstance(doc, dict) else None
if not isinstance(paths, dict):
    sys.exit("the /openapi/v3 index has no 'paths' object")
for key in sorted(paths):
    url = paths[key].get("serverRelativeURL") if isinstance(paths[key], dict) else None
    print("%s\t%s" % (key, url or "/openapi/v3/" + key))
EOF
    elif command -v jq >/dev/null 2>&1; then
        jq -r '.paths | to_entries | sort_by(.key)[] | "\(.key)\t\(.value.serverRelativeURL // ("/openapi/v3/" + .key))"' "$file"
    else
        # The index is flat: "key":{"serverRelativeURL":"url"} pairs.
        tr -d '\r\n' < "$file" \
            | grep -Eo '"[^"]+"[[:space:]]*:[[:space:]]*\{[[:space:]]*"serverRelativeURL"[[:space:]]*:[[:space:]]*"[^"]*"' \
            | sed -E 's/^"([^"]+)"[[:space:]]*:[[:space:]]*\{[[:space:]]*"serverRelativeURL"[[:space:]]*:[[:space:]]*"([^"]*)"$/\1\t\2/' \
            | LC_ALL=C sort
    fi
}

# ---- modes -----------------------------------------------------------------

fetch_cluster() {
    local dest tmp
    dest="$out_dir/cluster.json"
    new_tmp "$dest"; tmp=$TMP
    kubectl_cmd get --raw /openapi/v2 > "$tmp" || die "kubectl get --raw /openapi/v2 failed"
    commit "$tmp" "$dest" "/openapi/v2"

    [ "$want_v3" = 1 ] || return 0
    mkdir -p "$out_dir/v3"
    local index entries key url gv wanted found
    new_tmp "$out_dir/v3/index.json"; index=$TMP
    kubectl_cmd get --raw /openapi/v3 > "$index" || die "kubectl get --raw /openapi/v3 failed (the cluster may not serve OpenAPI v3)"
    entries=$(parse_v3_index "$index") || die "cannot read the /openapi/v3 index"
    [ -n "$entries" ] || die "the /openapi/v3 index lists no group-versions"

    if [ ${#group_versions[@]} -gt 0 ]; then
        for gv in "${group_versions[@]}"; do
            wanted=$(normalize_gv "$gv")
            found=""
            while IFS=$'\t' read -r key url; do
                if [ "$key" = "$wanted" ]; then found=$url; break; fi
            done <<< "$entries"
            if [ -z "$found" ]; then
                echo "fetch-spec: '$gv' ($wanted) is not served by this cluster; it serves:" >&2
                cut -f1 <<< "$entries" | sed 's/^/  /' >&2
                exit 1
            fi
            fetch_v3_doc "$wanted" "$found"
        done
    else
        while IFS=$'\t' read -r key url; do
            fetch_v3_doc "$key" "$url"
        done <<< "$entries"
    fi
}

fetch_v3_doc() { # fetch_v3_doc KEY SERVER_RELATIVE_URL
    local key=$1 url=$2 dest tmp
    dest=$(v3_file "$key")
    new_tmp "$dest"; tmp=$TMP
    kubectl_cmd get --raw "$url" > "$tmp" || die "kubectl get --raw $url failed"
    commit "$tmp" "$dest" "$key"
}

fetch_release() {
    command -v curl >/dev/null 2>&1 || die "curl not found"
    local base="https://raw.githubusercontent.com/kubernetes/kubernetes/$release/api/openapi-spec"
    local dest tmp gv key
    dest="$out_dir/kubernetes-$release.json"
    new_tmp "$dest"; tmp=$TMP
    curl -fsSL --retry 3 --connect-timeout 20 -o "$tmp" "$base/swagger.json" \
        || die "download of $base/swagger.json failed (is $release a Kubernetes tag, and is there internet access?)"
    commit "$tmp" "$dest" "$release swagger.json"

    [ "$want_v3" = 1 ] || return 0
    mkdir -p "$out_dir/v3"
    for gv in "${group_versions[@]}"; do
        key=$(normalize_gv "$gv")
        dest=$(v3_file "$key")
        new_tmp "$dest"; tmp=$TMP
        curl -fsSL --retry 3 --connect-timeout 20 -o "$tmp" "$base/v3/${key//\//__}_openapi.json" \
            || die "download of $base/v3/${key//\//__}_openapi.json failed"
        commit "$tmp" "$dest" "$release $key"
    done
}

case "$mode" in
    cluster) fetch_cluster ;;
    release) fetch_release ;;
esac
