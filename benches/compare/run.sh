#!/usr/bin/env bash
# run.sh - side-by-side benchmark of corpusledger against datasketch, rensa and
# datatrove on a real code corpus, scored against an exact ground truth.
# See benches/compare/README.md.  Run with --help.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"

corpus="/work/bench-corpus" work="" max_mb=0 thresholds="0.7,0.85"
tools="corpusledger,datasketch,rensa,datatrove" skip_fetch=0 skip_build=0
harness_args=()

usage() {
    cat <<EOF
Usage: bash benches/compare/run.sh [options]

Assembles the corpus (unless present), builds corpusledger, computes the exact
ground truth per threshold (and checks it by brute force on a random subset),
runs corpusledger and the peers under /usr/bin/time -v, scores them and prints
one markdown table (also written to WORK/results.md).

Options:
  --corpus DIR         corpus root [default ${corpus}]; holds crates/ and pypi/
  --work DIR           outputs, truth, logs [default CORPUS.work]
  --max-mb N           size limit when assembling the corpus (about half
                       crates, the rest PyPI); 0 = no limit [default 0]
  --thresholds LIST    comma separated Jaccard thresholds [default ${thresholds}]
  --tools LIST         of corpusledger, datasketch, rensa, datatrove,
                       datatrove-bigcode [default ${tools}]
  --skip-fetch         use the corpus as it is (do not assemble it)
  --skip-build         use target/release/corpusledger as it is
  --write-results      overwrite benches/RESULTS.md with the results
  --truth MODE         auto (Rust example, else Python), rust or python [auto]
  --verify-sample N    documents in the brute-force truth check [1500]
  --timeout SEC        per tool and threshold [10800]
  --fresh              recompute the document manifest and the truth
  -h, --help           this help

The Python venv is \${COMPARE_VENV:-${here}/.venv}, created and filled on first use
(delete its .installed file to reinstall).
EOF
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --corpus) corpus="$2"; shift 2 ;;
        --work) work="$2"; shift 2 ;;
        --max-mb) max_mb="$2"; shift 2 ;;
        --thresholds) thresholds="$2"; shift 2 ;;
        --tools) tools="$2"; shift 2 ;;
        --skip-fetch) skip_fetch=1; shift ;;
        --skip-build) skip_build=1; shift ;;
        --write-results|--fresh) harness_args+=("$1"); shift ;;
        --truth|--verify-sample|--timeout) harness_args+=("$1" "$2"); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
mkdir -p "${corpus}"
corpus="$(cd "${corpus}" && pwd)"
work="${work:-${corpus}.work}"
mkdir -p "${work}"
work="$(cd "${work}" && pwd)"
log() { echo "[run.sh] $*" >&2; }

# ---------------------------------------------------------------- venv
venv="${COMPARE_VENV:-${here}/.venv}"
py="${venv}/bin/python"
if [[ ! -f "${venv}/.installed" ]]; then
    log "creating ${venv}"
    python3 -m venv "${venv}"
    "${py}" -m pip install --quiet --upgrade pip
    "${py}" -m pip install --quiet -r "${here}/requirements-base.txt"
    # One peer at a time: a peer that fails to install is reported by the
    # harness (its runner cannot import it) and the others still run.
    while read -r name spec; do
        [[ -z "${name}" || "${name}" == \#* ]] && continue
        # shellcheck disable=SC2086
        "${py}" -m pip install --quiet ${spec} || log "WARNING: could not install ${name} (${spec})"
    done <"${here}/requirements-peers.txt"
    touch "${venv}/.installed"
fi

# ---------------------------------------------------------------- corpus
if [[ "${skip_fetch}" -eq 0 ]]; then
    crates_mb=0
    if [[ ! -f "${work}/.crates-done" ]]; then
        limit=0
        if [[ "${max_mb}" -gt 0 ]]; then limit=$(( (max_mb + 1) / 2 )); fi
        log "fetching crates into ${corpus}/crates (max ${limit} MB)"
        # The fetch keeps its cargo home outside the corpus.
        export CARGO_HOME_FETCH="${work}/crates.cargo-home"
        mkdir -p "${CARGO_HOME_FETCH}"
        for f in config.toml config; do
            src="${CARGO_HOME:-${HOME}/.cargo}/${f}"
            if [[ -f "${src}" && ! -e "${CARGO_HOME_FETCH}/${f}" ]]; then cp "${src}" "${CARGO_HOME_FETCH}/${f}"; fi
        done
        CARGO_HOME="${CARGO_HOME_FETCH}" "${repo}/benches/corpus/fetch-crates.sh" \
            --use-global-cache --max-mb "${limit}" "${corpus}/crates" >&2
        touch "${work}/.crates-done"
    fi
    if [[ ! -f "${work}/.pypi-done" ]]; then
        limit=0
        if [[ "${max_mb}" -gt 0 ]]; then
            crates_mb=$(du -sm "${corpus}/crates" 2>/dev/null | cut -f1 || echo 0)
            limit=$(( max_mb - crates_mb ))
            if [[ "${limit}" -lt 1 ]]; then limit=1; fi
        fi
        log "fetching PyPI sdists into ${corpus}/pypi (max ${limit} MB)"
        PIP="${py} -m pip" "${here}/fetch-pypi.sh" --max-mb "${limit}" "${corpus}/pypi" >&2
        touch "${work}/.pypi-done"
    fi
fi
log "corpus ${corpus}: $(find "${corpus}" -type f | wc -l) files, $(du -sm "${corpus}" | cut -f1) MB"

# ---------------------------------------------------------------- build
if [[ "${skip_build}" -eq 0 ]]; then
    log "building corpusledger (release)"
    if ! (cd "${repo}" && cargo build --release --quiet --bin corpusledger); then
        [[ -x "${repo}/target/release/corpusledger" ]] || { log "build failed"; exit 1; }
        log "WARNING: build failed; using the existing target/release/corpusledger"
    fi
fi

# ---------------------------------------------------------------- harness
cmdline="bash benches/compare/run.sh --corpus ${corpus}"
if [[ "${max_mb}" -ne 0 ]]; then cmdline+=" --max-mb ${max_mb}"; fi
cmdline+=" --thresholds ${thresholds} --tools ${tools}"
if [[ ${#harness_args[@]} -gt 0 ]]; then cmdline+=" ${harness_args[*]}"; fi
cd "${repo}"
exec "${py}" "${here}/harness.py" --repo "${repo}" --corpus "${corpus}" --work "${work}" \
    --thresholds "${thresholds}" --tools "${tools}" --command "${cmdline}" "${harness_args[@]}"
