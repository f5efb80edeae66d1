#!/usr/bin/env bash
# fetch-pypi.sh - add Python source to the benchmark corpus: several versions
# of each of ~75 popular pure-Python packages, downloaded as sdists with pip
# and extracted as OUT/<name>@<version>/...
#
# Successive versions of a package are near-duplicates of each other, like
# the crate versions of benches/corpus/fetch-crates.sh.  Run with --help.
set -euo pipefail

readonly DEFAULT_OUT="corpus-pypi"
readonly DEFAULT_VERSIONS=3
readonly DEFAULT_JOBS=3

# Order matters: packages are processed in this order, so a size limit keeps
# the first ones.  Large packages come last.
readonly BUILTIN_PACKAGES="
requests flask click attrs jinja2 werkzeug itsdangerous markupsafe urllib3
idna certifi charset-normalizer six python-dateutil packaging pyparsing tomli
tomlkit pyyaml rich typer httpx httpcore h11 anyio sniffio tqdm colorama
tabulate more-itertools toolz cachetools decorator wrapt jsonschema simplejson
marshmallow pluggy pytest iniconfig mock responses freezegun arrow humanize
invoke fabric paramiko beautifulsoup4 soupsieve html5lib bleach markdown
mistune isort flake8 pycodestyle pyflakes parso jedi docutils filelock
platformdirs distlib starlette uvicorn gunicorn kombu redis black mako alembic
sqlalchemy pygments networkx setuptools django
"

usage() {
    cat <<EOF
Usage: $(basename "$0") [options] [OUT]

Download sdists of several versions of popular pure-Python packages with
'pip download --no-deps --no-binary NAME' and extract each one into
OUT/<name>@<version>/ (the sdist's single top folder is stripped).

OUT defaults to ./${DEFAULT_OUT}.  Versions already in OUT are skipped, so
the script can be re-run or resumed.

Options:
  -o, --out DIR         output directory (same as the positional OUT)
  -m, --max-mb N        stop once OUT holds at least N MB (du); 0 = no limit
                        [env MAX_MB, default 0]
  -n, --versions N      versions per package [env VERSIONS, default ${DEFAULT_VERSIONS}]
      --packages LIST   comma/space separated names instead of the built-in list
      --limit N         only use the first N packages of the list
  -j, --jobs N          parallel downloads of one package's versions
                        [default ${DEFAULT_JOBS}]
      --pip CMD         pip command [env PIP, default "python3 -m pip"]
      --timeout SEC     give up on one download after SEC seconds [default 600]
      --list            print the chosen name@version lines and exit
  -h, --help            show this help

Version choice: 'pip index versions' (final releases only); the candidates are
the newest release of each major.minor series; N versions are spread evenly
over the newest 2*N candidates, always including the newest.
A download or extraction that fails is reported and skipped.
EOF
}

OUT="" MAX_MB="${MAX_MB:-0}" VERSIONS="${VERSIONS:-${DEFAULT_VERSIONS}}"
PACKAGES="" LIMIT=0 JOBS="${DEFAULT_JOBS}" PIP="${PIP:-python3 -m pip}" LIST=0 TIMEOUT=600
while [[ $# -gt 0 ]]; do
    case "$1" in
        -o|--out) OUT="$2"; shift 2 ;;
        -m|--max-mb) MAX_MB="$2"; shift 2 ;;
        -n|--versions) VERSIONS="$2"; shift 2 ;;
        --packages) PACKAGES="$2"; shift 2 ;;
        --limit) LIMIT="$2"; shift 2 ;;
        -j|--jobs) JOBS="$2"; shift 2 ;;
        --pip) PIP="$2"; shift 2 ;;
        --timeout) TIMEOUT="$2"; shift 2 ;;
        --list) LIST=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
        *) OUT="$1"; shift ;;
    esac
done
OUT="${OUT:-${DEFAULT_OUT}}"
read -r -a PIP_CMD <<<"${PIP}"
PACKAGES="${PACKAGES:-${BUILTIN_PACKAGES}}"
read -r -a PKG_LIST <<<"$(echo "${PACKAGES}" | tr ',\n' '  ')"
if [[ "${LIMIT}" -gt 0 ]]; then PKG_LIST=("${PKG_LIST[@]:0:${LIMIT}}"); fi

# Prints the chosen versions of package $1, newest first.
choose_versions() {
    local listing
    listing=$("${PIP_CMD[@]}" index versions "$1" 2>/dev/null | sed -n 's/^Available versions: //p') || true
    [[ -n "${listing}" ]] || return 0
    python3 - "${VERSIONS}" "${listing}" <<'PY'
import re, sys
n = int(sys.argv[1])
seen, cands = set(), []
for v in (x.strip() for x in sys.argv[2].split(",")):
    m = re.match(r"^(\d+)(?:\.(\d+))?", v)
    if not m or not re.fullmatch(r"[0-9.]+", v):
        continue  # skip pre-releases, post and dev releases
    series = (m.group(1), m.group(2) or "0")
    if series not in seen:  # the listing is newest first
        seen.add(series)
        cands.append(v)
pool = cands[: 2 * n]
if len(pool) <= n:
    chosen = pool
else:
    step = (len(pool) - 1) / (n - 1) if n > 1 else 0
    chosen = sorted({round(i * step) for i in range(n)})
    chosen = [pool[i] for i in chosen]
print("\n".join(chosen))
PY
}

# Downloads and extracts $1==$2 into OUT/$1@$2 (regular files only: symlinks
# and hard links in an archive are skipped); prints one status line.
fetch_one() {
    local name="$1" version="$2" dest="${OUT}/$1@$2" tmp
    tmp=$(mktemp -d)
    # --no-binary NAME rather than :all:, which pip also applies to the build
    # backends it installs to read the sdist's metadata (hatchling, mypy,
    # maturin-built deps, ...): building all of those from source takes many
    # minutes per package.  The downloaded file is the same sdist either way.
    if ! timeout "${TIMEOUT}" "${PIP_CMD[@]}" download --quiet --no-deps --no-binary "${name}" \
        --dest "${tmp}" "${name}==${version}" >"${tmp}/pip.log" 2>&1; then
        echo "  FAILED download ${name}==${version}: $(tail -n 1 "${tmp}/pip.log")" >&2
        rm -rf "${tmp}"; return 0
    fi
    local archive
    archive=$(find "${tmp}" -maxdepth 1 -type f \( -name '*.tar.gz' -o -name '*.zip' \
        -o -name '*.tar.bz2' -o -name '*.tgz' \) | head -n 1)
    if [[ -z "${archive}" ]] || ! python3 - "${archive}" "${dest}.partial" <<'PY'
import os, shutil, sys, tarfile, zipfile
archive, dest = sys.argv[1], sys.argv[2]
shutil.rmtree(dest, ignore_errors=True)
os.makedirs(dest)
if zipfile.is_zipfile(archive):
    with zipfile.ZipFile(archive) as z:
        z.extractall(dest)
else:
    def regular_only(member, path):  # no symlinks or hard links in the corpus
        if member.issym() or member.islnk():
            return None
        return tarfile.data_filter(member, path)
    with tarfile.open(archive) as t:
        t.extractall(dest, filter=regular_only)
entries = os.listdir(dest)
if len(entries) == 1 and os.path.isdir(os.path.join(dest, entries[0])):
    top = os.path.join(dest, entries[0])
    for e in os.listdir(top):
        os.rename(os.path.join(top, e), os.path.join(dest, e))
    os.rmdir(top)
PY
    then
        echo "  FAILED extract ${name}==${version}" >&2
        rm -rf "${tmp}" "${dest}.partial"; return 0
    fi
    mv "${dest}.partial" "${dest}"
    rm -rf "${tmp}"
    echo "  ${name}@${version}"
}

size_mb() { du -sm "${OUT}" 2>/dev/null | cut -f1; }

mkdir -p "${OUT}"
echo "fetch-pypi: ${#PKG_LIST[@]} packages, ${VERSIONS} versions each, into ${OUT}" \
     "(max ${MAX_MB} MB)" >&2
for pkg in "${PKG_LIST[@]}"; do
    if [[ "${MAX_MB}" -gt 0 && "$(size_mb)" -ge "${MAX_MB}" ]]; then
        echo "fetch-pypi: reached ${MAX_MB} MB, stopping" >&2
        break
    fi
    mapfile -t chosen < <(choose_versions "${pkg}")
    if [[ ${#chosen[@]} -eq 0 ]]; then
        echo "  FAILED no versions for ${pkg}" >&2; continue
    fi
    if [[ "${LIST}" -eq 1 ]]; then
        printf '%s\n' "${chosen[@]/#/${pkg}@}"; continue
    fi
    running=0
    for v in "${chosen[@]}"; do
        [[ -d "${OUT}/${pkg}@${v}" ]] && continue
        fetch_one "${pkg}" "${v}" &
        running=$((running + 1))
        if [[ "${running}" -ge "${JOBS}" ]]; then wait -n || true; running=$((running - 1)); fi
    done
    wait
done
if [[ "${LIST}" -eq 0 ]]; then
    echo "fetch-pypi: ${OUT} holds $(find "${OUT}" -type f | wc -l) files, $(size_mb) MB" >&2
fi
