#!/usr/bin/env bash
# fetch-crates.sh - assemble a real code corpus with real near-duplicates from
# crates.io: several versions of each of ~120 popular crates (plus everything
# they pull in transitively), laid out as OUT/<crate>@<version>/...
#
# Each top-level folder of OUT is one "repository" (the extracted published
# crate).  Downloads go through cargo itself (a throwaway project per pinned
# crate version, `cargo metadata`), with a checksum-verified curl+tar fallback
# for a root crate whose dependency graph no longer resolves.
#
# Run with --help for usage.
set -euo pipefail

readonly DEFAULT_OUT="corpus-crates"
readonly DEFAULT_VERSIONS=3
readonly DEFAULT_TARGET="x86_64-unknown-linux-gnu"
readonly SMOKE_MAX_MB=50
readonly SMOKE_VERSIONS=2

# Built-in crate list: popular, library crates with a long release history.
# Order matters: crates are processed in this order, so a size limit keeps the
# first ones.
readonly BUILTIN_CRATES="
serde serde_json syn quote proc-macro2 regex regex-syntax aho-corasick memchr
rand rand_core tokio tokio-util futures futures-util async-trait bytes clap
structopt hyper http reqwest axum tower tonic prost log env_logger tracing
tracing-subscriber anyhow thiserror itertools once_cell lazy_static chrono time
uuid url base64 hex sha2 md-5 digest ring rustls openssl native-tls flate2 zip
tar walkdir glob tempfile dirs num-traits num-bigint bitflags byteorder
smallvec indexmap hashbrown crossbeam crossbeam-channel rayon parking_lot
dashmap libc nix mio socket2 actix-web rocket diesel sqlx rusqlite postgres
redis image png nom pest logos winnow toml toml_edit serde_yaml semver
cargo_metadata criterion proptest quickcheck insta wasm-bindgen js-sys
serde_with bincode rmp-serde csv unicode-segmentation unicode-width
encoding_rs textwrap colored termcolor indicatif console crossterm ratatui
ndarray nalgebra gimli object backtrace goblin cc bindgen pkg-config heck
strum derive_more darling paste either pin-project memmap2 notify signal-hook
ctrlc sysinfo git2 petgraph slab fnv ahash rustc-hash lru bstr similar
pulldown-cmark handlebars tera askama minijinja html5ever quick-xml schemars
config humantime
"

usage() {
    cat <<EOF
Usage: $(basename "$0") [options] [OUT]

Assemble a code corpus from crates.io: several versions of each of a list of
popular crates, plus their transitive dependencies, extracted as
OUT/<crate>@<version>/... (one top-level folder per crate version).

OUT defaults to ./${DEFAULT_OUT}.  Crate versions already present in OUT are
skipped, so the script can be re-run or resumed.

Options:
  -o, --out DIR          output directory (same as the positional OUT)
  -m, --max-mb N         stop once OUT holds at least N MB (du); 0 = no limit
                         [env MAX_MB, default 0]
  -n, --versions N       versions to pick per crate [env VERSIONS, default ${DEFAULT_VERSIONS}]
      --crates LIST      comma/space separated crate names instead of the
                         built-in list [env CRATES]
      --crates-file F    read crate names from F (one per line, # comments)
      --limit-crates N   only use the first N crates of the list
      --target TRIPLE    only follow dependencies for this target
                         [env TARGET, default ${DEFAULT_TARGET}]
      --all-targets      follow dependencies for every platform (pulls in
                         the large windows-* binding crates)
      --no-deps          only the chosen crate versions, no transitive deps
      --use-global-cache use the current CARGO_HOME (default ~/.cargo) instead
                         of a dedicated OUT.cargo-home
      --list             print the chosen crate versions and exit
      --smoke            small smoke run: --max-mb ${SMOKE_MAX_MB} --versions ${SMOKE_VERSIONS}
                         (explicit options/env still win)
  -h, --help             show this help

Version choice (deterministic for a given state of the index): non-yanked,
non-prerelease versions; candidates are the latest patch of each minor series
plus every 20th patch of long-lived series (x.y.20, x.y.40, ...); N versions
are spread evenly over the newest 2*N candidates, always including the newest.

Environment: CRATES_INDEX_URL (sparse index, default https://index.crates.io/),
MAX_MB, VERSIONS, CRATES, TARGET.  Needs cargo, curl, python3, tar, sha256sum.

Examples:
  $(basename "$0") --smoke /tmp/corpus-smoke
  $(basename "$0") /work/corpus-crates
  MAX_MB=500 $(basename "$0") --versions 4 /data/corpus
EOF
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

log() {
    printf '%s\n' "$*"
}

is_uint() {
    [[ "$1" =~ ^[0-9]+$ ]]
}

# ---------------------------------------------------------------- arguments
out=""
max_mb="${MAX_MB:-}"
versions="${VERSIONS:-}"
crates_arg="${CRATES:-}"
crates_file=""
limit_crates=0
target="${TARGET:-$DEFAULT_TARGET}"
all_targets=0
no_deps=0
use_global_cache=0
list_only=0
smoke=0

need_arg() {
    [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        -o | --out) need_arg "$@"; out="$2"; shift 2 ;;
        -m | --max-mb) need_arg "$@"; max_mb="$2"; shift 2 ;;
        -n | --versions) need_arg "$@"; versions="$2"; shift 2 ;;
        --crates) need_arg "$@"; crates_arg="$2"; shift 2 ;;
        --crates-file) need_arg "$@"; crates_file="$2"; shift 2 ;;
        --limit-crates) need_arg "$@"; limit_crates="$2"; shift 2 ;;
        --target) need_arg "$@"; target="$2"; shift 2 ;;
        --all-targets) all_targets=1; shift ;;
        --no-deps) no_deps=1; shift ;;
        --use-global-cache) use_global_cache=1; shift ;;
        --list) list_only=1; shift ;;
        --smoke) smoke=1; shift ;;
        --) shift; break ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *)
            [[ -z "$out" ]] || die "more than one output directory given"
            out="$1"; shift ;;
    esac
done
if [[ $# -gt 0 ]]; then
    [[ -z "$out" && $# -eq 1 ]] || die "unexpected arguments: $*"
    out="$1"
fi

if [[ $smoke -eq 1 ]]; then
    max_mb="${max_mb:-$SMOKE_MAX_MB}"
    versions="${versions:-$SMOKE_VERSIONS}"
fi
max_mb="${max_mb:-0}"
versions="${versions:-$DEFAULT_VERSIONS}"
out="${out:-$DEFAULT_OUT}"

is_uint "$max_mb" || die "--max-mb must be a non-negative integer, got '$max_mb'"
if ! is_uint "$versions" || [[ "$versions" -lt 1 ]]; then
    die "--versions must be an integer >= 1, got '$versions'"
fi
is_uint "$limit_crates" || die "--limit-crates must be a non-negative integer"

for tool in cargo curl python3 tar sha256sum du find; do
    command -v "$tool" >/dev/null 2>&1 || die "required tool not found: $tool"
done

index_url="${CRATES_INDEX_URL:-https://index.crates.io/}"
[[ "$index_url" == */ ]] || index_url="${index_url}/"

# ---------------------------------------------------------------- crate list
crate_list=()
if [[ -n "$crates_file" ]]; then
    [[ -r "$crates_file" ]] || die "cannot read $crates_file"
    while IFS= read -r line; do
        line="${line%%#*}"
        for c in $line; do crate_list+=("$c"); done
    done <"$crates_file"
elif [[ -n "$crates_arg" ]]; then
    for c in ${crates_arg//,/ }; do crate_list+=("$c"); done
else
    for c in $BUILTIN_CRATES; do crate_list+=("$c"); done
fi
if [[ "$limit_crates" -gt 0 && "${#crate_list[@]}" -gt "$limit_crates" ]]; then
    crate_list=("${crate_list[@]:0:$limit_crates}")
fi
[[ ${#crate_list[@]} -gt 0 ]] || die "empty crate list"
for c in "${crate_list[@]}"; do
    [[ "$c" =~ ^[A-Za-z0-9_-]+$ ]] || die "invalid crate name: '$c'"
done

# ---------------------------------------------------------------- setup
start_seconds=$SECONDS
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if [[ $use_global_cache -eq 0 ]]; then
    user_cargo_home="${CARGO_HOME:-$HOME/.cargo}"
    export CARGO_HOME="${out}.cargo-home"
    mkdir -p "$CARGO_HOME"
    # Keep the user's registry configuration (mirrors, source replacement,
    # proxies) but nothing else.
    for f in config.toml config; do
        if [[ -f "$user_cargo_home/$f" && ! -e "$CARGO_HOME/$f" ]]; then
            cp "$user_cargo_home/$f" "$CARGO_HOME/$f"
        fi
    done
fi
export CARGO_TERM_COLOR=never CARGO_TERM_PROGRESS_WHEN=never

work="$(mktemp -d "${TMPDIR:-/tmp}/fetch-crates.XXXXXX")"
cleanup() {
    rm -rf "$work"
    # Partially copied folders from an interrupted copy.
    find "$out" -mindepth 1 -maxdepth 1 -name '.partial-*' -exec rm -rf {} + 2>/dev/null || true
}
trap cleanup EXIT
find "$out" -mindepth 1 -maxdepth 1 -name '.partial-*' -exec rm -rf {} +

log "fetch-crates: OUT=$out"
target_desc="$target"
[[ $all_targets -eq 0 ]] || target_desc="all"
deps_desc="yes"
[[ $no_deps -eq 0 ]] || deps_desc="no"
log "  CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}  crates=${#crate_list[@]}  versions/crate=$versions  max-mb=$max_mb  target=$target_desc  deps=$deps_desc"

# ---------------------------------------------------------------- index
# Sparse index path of a crate: 1/a, 2/ab, 3/a/abc, ab/cd/abcd...
index_path() {
    local n="${1,,}"
    case ${#n} in
        1) printf '1/%s' "$n" ;;
        2) printf '2/%s' "$n" ;;
        3) printf '3/%s/%s' "${n:0:1}" "$n" ;;
        *) printf '%s/%s/%s' "${n:0:2}" "${n:2:2}" "$n" ;;
    esac
}

log "querying the index for ${#crate_list[@]} crates..."
mkdir -p "$work/index"
fetch_list="$work/index-urls"
: >"$fetch_list"
for c in "${crate_list[@]}"; do
    printf '%s %s%s\n' "$c" "$index_url" "$(index_path "$c")" >>"$fetch_list"
done
# Up to 8 index queries at a time; failures leave no file and are reported.
# shellcheck disable=SC2016
xargs -P 8 -L 1 sh -c 'curl -fsSL --retry 3 --max-time 60 -o "$0/$1.tmp" "$2" && mv "$0/$1.tmp" "$0/$1" || rm -f "$0/$1.tmp"' \
    "$work/index" <"$fetch_list" || true

selection="$work/selection.tsv"
python3 - "$work/index" "$versions" "${crate_list[@]}" >"$selection" <<'PY'
import json, os, re, sys

index_dir, n = sys.argv[1], int(sys.argv[2])
crates = sys.argv[3:]
stable = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
seen = set()
for crate in crates:
    if crate in seen:
        continue
    seen.add(crate)
    path = os.path.join(index_dir, crate)
    if not os.path.exists(path):
        print(f"!\t{crate}\tindex lookup failed")
        continue
    vers = {}
    name = crate
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            e = json.loads(line)
            name = e["name"]
            m = stable.match(e["vers"])
            if e.get("yanked") or not m:
                continue
            vers[tuple(map(int, m.groups()))] = (e["vers"], e["cksum"])
    if not vers:
        print(f"!\t{crate}\tno stable, non-yanked version")
        continue
    keys = sorted(vers)
    # Candidates: the latest patch of each minor series (for 0.0.x every
    # release is its own series), plus every 20th patch release of long-lived
    # series (x.y.20, x.y.40, ...), so that e.g. serde 1.0.x is spread too.
    series = {}
    for k in keys:
        key = k if k[0] == 0 and k[1] == 0 else k[:2]
        series[key] = max(series.get(key, k), k)
    cands = set(series.values())
    cands.update(k for k in keys if k[2] > 0 and k[2] % 20 == 0)
    window = sorted(cands)[-2 * n:]
    if len(window) <= n:
        picks = window
    else:
        idx = sorted({round(i * (len(window) - 1) / (n - 1)) for i in range(n)}) if n > 1 else [len(window) - 1]
        picks = [window[i] for i in idx]
    for k in picks:
        v, ck = vers[k]
        print(f"{name}\t{v}\t{ck}")
PY

n_roots=0
while IFS=$'\t' read -r name ver rest; do
    if [[ "$name" == "!" ]]; then
        log "  skip $ver: $rest"
    else
        n_roots=$((n_roots + 1))
    fi
done <"$selection"
log "selected $n_roots crate versions"

if [[ $list_only -eq 1 ]]; then
    while IFS=$'\t' read -r name ver rest; do
        [[ "$name" == "!" ]] || printf '%s@%s\n' "$name" "$ver"
    done <"$selection"
    exit 0
fi

# ---------------------------------------------------------------- fetching
proj="$work/project"
mkdir -p "$proj/src"
: >"$proj/src/lib.rs"

# Download URL template for the curl fallback (from the index's config.json).
dl_template=""
download_template() {
    if [[ -z "$dl_template" ]]; then
        dl_template="$(curl -fsSL --retry 3 --max-time 60 "${index_url}config.json" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["dl"])')" || return 1
    fi
    printf '%s' "$dl_template"
}

total_kb="$(du -sk "$out" | cut -f1)"
added_repos=0
added_roots=0
skipped_roots=0
fallback_roots=0
failures=()

# copy_version NAME VERSION SRC_DIR: copy an extracted crate to OUT if absent.
copy_version() {
    local name="$1" ver="$2" src="$3"
    local dest="$out/$name@$ver" tmp="$out/.partial-$name@$ver"
    if [[ -e "$dest" ]]; then
        return 0
    fi
    [[ -d "$src" ]] || return 1
    rm -rf "$tmp"
    if ! cp -R "$src" "$tmp" || ! rm -f "$tmp/.cargo-ok" || ! mv "$tmp" "$dest"; then
        rm -rf "$tmp"
        log "    could not copy $src"
        return 1
    fi
    total_kb=$((total_kb + $(du -sk "$dest" | cut -f1)))
    added_repos=$((added_repos + 1))
}

# fetch_with_cargo NAME VERSION: resolve a throwaway project that depends on
# exactly NAME=VERSION, let cargo download + extract the graph, then copy every
# registry package of the graph (the root last, so its presence means done).
fetch_with_cargo() {
    local name="$1" ver="$2" meta="$work/metadata.json" errlog="$work/cargo.log"
    local platform_args=()
    [[ $all_targets -eq 1 ]] || platform_args=(--filter-platform "$target")
    cat >"$proj/Cargo.toml" <<EOF
[package]
name = "zz-corpus-fetch-throwaway"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$name = "=$ver"

[workspace]
EOF
    rm -f "$proj/Cargo.lock"
    if ! (cd "$proj" && cargo metadata --format-version 1 "${platform_args[@]}" >"$meta" 2>"$errlog"); then
        return 1
    fi
    local n v dir root_dir=""
    while IFS=$'\t' read -r n v dir; do
        if [[ "$n" == "$name" && "$v" == "$ver" ]]; then
            root_dir="$dir"
            continue
        fi
        if [[ $no_deps -eq 1 ]]; then
            continue
        fi
        copy_version "$n" "$v" "$dir" || true
    done < <(python3 - "$meta" <<'PY'
import json, os, sys
meta = json.load(open(sys.argv[1], encoding="utf-8"))
for p in meta["packages"]:
    src = p.get("source") or ""
    if src.startswith(("registry+", "sparse+")):
        print(f'{p["name"]}\t{p["version"]}\t{os.path.dirname(p["manifest_path"])}')
PY
)
    [[ -n "$root_dir" ]] || return 1
    copy_version "$name" "$ver" "$root_dir"
}

# fetch_with_curl NAME VERSION CKSUM: download the .crate file the way cargo
# does, verify its checksum and extract it (root only, no dependencies).
fetch_with_curl() {
    local name="$1" ver="$2" cksum="$3" tpl url
    tpl="$(download_template)" || return 1
    if [[ "$tpl" == *"{"* ]]; then
        local prefix
        prefix="$(index_path "$name")"
        prefix="${prefix%/*}"
        url="${tpl//\{crate\}/$name}"
        url="${url//\{version\}/$ver}"
        url="${url//\{prefix\}/$prefix}"
        url="${url//\{lowerprefix\}/${prefix,,}}"
        url="${url//\{sha256-checksum\}/$cksum}"
    else
        url="${tpl%/}/$name/$ver/download"
    fi
    local file="$work/dl.crate" x="$work/extract"
    rm -rf "$file" "$x"
    curl -fsSL --retry 3 --max-time 300 -o "$file" "$url" || return 1
    [[ "$(sha256sum "$file" | cut -d' ' -f1)" == "$cksum" ]] || { log "    checksum mismatch"; return 1; }
    mkdir -p "$x"
    tar -xzf "$file" -C "$x" || return 1
    copy_version "$name" "$ver" "$x/$name-$ver"
}

i=0
stopped_early=0
while IFS=$'\t' read -r name ver cksum; do
    if [[ "$name" == "!" ]]; then
        # Selection error line: "!", crate, reason.
        failures+=("$ver ($cksum)")
        continue
    fi
    i=$((i + 1))
    if [[ "$max_mb" -gt 0 && $((total_kb / 1024)) -ge "$max_mb" ]]; then
        log "reached --max-mb $max_mb (now $((total_kb / 1024)) MB); stopping before $name@$ver"
        stopped_early=1
        break
    fi
    tag="[$i/$n_roots] $name@$ver"
    if [[ -e "$out/$name@$ver" ]]; then
        skipped_roots=$((skipped_roots + 1))
        log "$tag: already present"
        continue
    fi
    before=$added_repos
    if fetch_with_cargo "$name" "$ver"; then
        added_roots=$((added_roots + 1))
        log "$tag: ok (+$((added_repos - before)) repos, $((total_kb / 1024)) MB)"
    else
        reason="$(grep -m1 -E '^(error|Caused by)' "$work/cargo.log" 2>/dev/null || true)"
        log "$tag: cargo failed${reason:+: $reason}; trying direct download"
        if fetch_with_curl "$name" "$ver" "$cksum"; then
            added_roots=$((added_roots + 1))
            fallback_roots=$((fallback_roots + 1))
            log "$tag: ok via direct download, without dependencies (+$((added_repos - before)) repos, $((total_kb / 1024)) MB)"
        else
            failures+=("$name@$ver")
            log "$tag: FAILED, skipped"
        fi
    fi
done <"$selection"

# ---------------------------------------------------------------- summary
elapsed=$((SECONDS - start_seconds))
repos="$(find "$out" -mindepth 1 -maxdepth 1 -type d ! -name '.partial-*' | wc -l)"
files="$(find "$out" -type f | wc -l)"
mb="$(du -sm "$out" | cut -f1)"
apparent_mb="$(du -sm --apparent-size "$out" 2>/dev/null | cut -f1 || echo '?')"
log ""
log "summary for $out"
log "  repos (crate versions): $repos   files: $files   size: $mb MB (du), $apparent_mb MB apparent"
log "  this run: $added_roots chosen versions fetched ($fallback_roots without deps), $skipped_roots already present, $added_repos folders added, ${#failures[@]} failures"
[[ $stopped_early -eq 0 ]] || log "  stopped early at --max-mb $max_mb"
if [[ ${#failures[@]} -gt 0 ]]; then
    log "  failed: ${failures[*]}"
fi
log "  elapsed: $((elapsed / 60))m$((elapsed % 60))s"
