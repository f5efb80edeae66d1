#!/usr/bin/env python3
"""fetch.py - build the license-detection benchmark corpus from real packages.

Fetches a pinned set of crates (crates.io) and sdists (PyPI), extracts each one
into CORPUS/packages/<ecosystem>-<name>-<version>/ and records the declared
license of each package (the truth) in CORPUS/truth.json and in the small,
commit-ready benches/licenses/truth.json.

Selection is reproducible: the first run picks versions (crates: newest
non-yanked, non-prerelease version in the sparse index; PyPI: the latest
release, which must have an sdist) for the candidate lists below and pins them
in benches/licenses/packages.txt.  Later runs fetch exactly the pinned
versions (use --reselect to pick again).

Truth:
  * crates: the `license` field of the exact published version.  The crates.io
    web API (crates.io/api) is not reachable from this workplace and the sparse
    index does not carry licenses, so it is read from the normalised Cargo.toml
    inside the published .crate - the very manifest cargo uploaded and from
    which crates.io took its `license` field (`cargo info` shows the same).
    Crates with only `license-file` (no SPDX expression) are skipped.
  * PyPI: the JSON API of that exact release: `info.license_expression` when
    set, else the license trove classifiers mapped to SPDX.  Packages whose
    classifiers are ambiguous (e.g. only "License :: OSI Approved :: BSD
    License"), or that have neither, are skipped.  Several unambiguous license
    classifiers are joined with OR (only the set of ids is ever compared).

Usage: python3 benches/licenses/fetch.py [--corpus target/license-corpus]
                                          [--jobs 4] [--reselect]
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tarfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PINS = HERE / "packages.txt"
SMALL_TRUTH = HERE / "truth.json"
SKIPPED = HERE / "skipped.txt"
UA = "corpusledger-license-bench/0.1 (benchmark fetch; sequential/4-parallel)"

# ---------------------------------------------------------------------------
# Candidate lists.  Popular crates plus less popular ones chosen so that many
# license families appear (GPL/LGPL/AGPL/MPL/BSD/ISC/Zlib/Unlicense/CC0/0BSD/
# BSL/WTFPL/EUPL/Apache-2.0 WITH LLVM-exception/Unicode...).  The truth is
# whatever the pinned release declares, not what is remembered here.
# ---------------------------------------------------------------------------
CRATES = """
serde serde_json serde_derive syn quote proc-macro2 regex regex-syntax regex-automata
aho-corasick memchr rand rand_core rand_chacha tokio tokio-util futures futures-util
bytes clap clap_builder log env_logger tracing tracing-subscriber anyhow thiserror
itertools once_cell lazy_static chrono time uuid url idna base64 hex sha2 sha1 md-5
digest hmac ring rustls rustls-webpki webpki webpki-roots untrusted sct openssl
openssl-sys native-tls flate2 zip tar walkdir same-file glob globset ignore tempfile
dirs dirs-sys directories option-ext num-traits num-bigint num-integer bitflags
byteorder smallvec indexmap hashbrown crossbeam-channel crossbeam-utils rayon
rayon-core parking_lot dashmap libc nix mio socket2 hyper http reqwest axum tower
tonic prost bincode csv csv-core unicode-ident unicode-xid unicode-width
unicode-segmentation unicode-normalization encoding_rs textwrap colored termcolor
atty ansi_term indicatif console crossterm ratatui ndarray nalgebra simba approx
gimli object addr2line backtrace goblin cc cmake pkg-config bindgen cbindgen
clang-sys libloading heck strum either pin-project memmap2 notify inotify
signal-hook ctrlc sysinfo git2 libgit2-sys petgraph slab fnv ahash foldhash
rustc-hash lru bstr similar pulldown-cmark comrak handlebars tera minijinja
html5ever quick-xml roxmltree xml-rs scraper toml toml_edit serde_yaml semver
ryu itoa half libm adler adler32 miniz_oxide crc32fast tinyvec bytemuck zstd
zstd-sys lz4_flex snap brotli brotli-decompressor bzip2 xz2 libz-sys zlib-rs
subtle curve25519-dalek ed25519-dalek x25519-dalek sha1_smol instant arrayref
arrayvec constant_time_eq blake3 blake2b_simd tiny-keccak dunce hexf-parse
secp256k1 secp256k1-sys bitcoin bitcoin_hashes miniscript xxhash-rust
clipboard-win error-code rustix linux-raw-sys wasi wasmtime wasmtime-environ
cranelift-codegen cranelift-entity cranelift-frontend regalloc2 target-lexicon
wasmparser wasm-encoder wast wat wit-parser cap-std cap-primitives
fs-set-times system-interface io-extras wasi-common wiggle wasmer wasm-bindgen
js-sys web-sys cssparser selectors smallbitvec mdbook symphonia symphonia-core
serialport uniffi grcov rust-code-analysis cargo-watch just slog krill
tinystr zerovec yoke writeable litemap icu_collections icu_locale_core
icu_normalizer icu_properties libbpf-rs libbpf-sys vmm-sys-util vm-memory
seccompiler kvm-ioctls smoltcp mailparse quiche domain routinator rpki
tun ffmpeg-next ffmpeg-sys-next magic-wormhole sequoia-openpgp buffered-reader
sequoia-sq nettle nettle-sys gpgme gpgme-sys libgpg-error-sys librsvg unicorn-engine
pijul libpijul topgrade rustscan ripgrep_all kmon drill meli melib joshuto gnuplot
ripasso stgit notmuch GSL gst-plugin-threadshare gst-plugin-fmp4
gst-plugin-webrtc gst-plugin-closedcaption slint sc-client-api sc-service
sc-network polkadot-primitives frame-support sp-core parity-scale-codec
starship alacritty_terminal vte tokei hyperfine difftastic git-delta du-dust
procs sd xsv ripgrep fd-find lsd broot bat exa zoxide gitui onefetch bandwhich
gping trippy feroxbuster ncspot amp git-absorb rav1e boringtun aws-lc-rs
aws-lc-sys orion snow rustls-pemfile hickory-proto trust-dns-proto lettre
mail-parser imap redis mongodb postgres tokio-postgres rusqlite libsqlite3-sys
sqlx diesel rocksdb librocksdb-sys sled redb heed lmdb-rkv rkv rdkafka
rdkafka-sys capnp flatbuffers protobuf ciborium serde_cbor rmp bson
apache-avro arrow parquet datafusion polars duckdb tantivy hyperscan
image png gif jpeg-decoder tiff exr qoi zune-jpeg resvg usvg tiny-skia svgtypes
kurbo lyon font-kit freetype-rs fontdue ab_glyph rustybuzz ttf-parser cairo-rs
gtk glib tauri wry iced egui eframe druid fltk bevy ggez macroquad rodio cpal
hound lewton claxon minimp3 alsa alsa-sys jack rubato rustfft realfft
nom pest lalrpop logos chumsky combine peg tree-sitter winit glutin
raw-window-handle wgpu naga ash vulkano glium gl glow imgui gltf tobj
sdl2 sdl2-sys glfw rapier3d parry3d kiss3d three-d inkwell llvm-sys z3
capstone keystone-engine cpp_demangle rustc-demangle wasm-opt pnet etherparse
pcap quinn s2n-quic libp2p sodiumoxide libsodium-sys age rage russh thrussh
evdev udev rusb hidapi bluer btleplug procfs caps landlock libseccomp
wayland-client smithay-client-toolkit smithay x11rb zbus dbus swayipc i3ipc
fuser fuse3 gix gix-features rust-htslib bio noodles needletail statrs
sprs faer plotters chrono-tz tz-rs publicsuffix psl hyphenation
tera-cli typst tectonic zola miniserve static-web-server sniffnet oha
rathole websocat nu nu-protocol atuin mcfly pueue tealdeer navi watchexec
sccache cargo-make cargo-audit cargo-edit cargo-outdated cargo-deny mdcat
coreutils uu_ls sudo-rs git-cliff jj-cli sapling-renderdag hg-core
""".split()

PYPI = """
requests flask click attrs jinja2 werkzeug itsdangerous markupsafe urllib3 idna
certifi charset-normalizer six python-dateutil packaging pyparsing tomli tomlkit
pyyaml rich typer httpx httpcore h11 anyio sniffio trio outcome tqdm colorama
tabulate more-itertools toolz cachetools decorator wrapt jsonschema simplejson
marshmallow pluggy pytest iniconfig mock responses freezegun arrow humanize
invoke fabric paramiko scp beautifulsoup4 soupsieve html5lib bleach markdown
mistune isort flake8 pycodestyle pyflakes mccabe parso jedi filelock
platformdirs distlib starlette uvicorn gunicorn kombu redis mako alembic
sqlalchemy pygments setuptools wheel virtualenv tox nox coverage hypothesis
pathspec typing-extensions defusedxml regex pexpect ptyprocess pylint astroid
logilab-common pyinstaller mercurial ansible-core pyqt5 pygobject pycairo
python-xlib pyudev pyroute2 scapy mutagen eyed3 unidecode text-unidecode
html2text pyenchant cssutils ldap3 pyxdg pynput urwid rope python-crontab
python-levenshtein levenshtein fuzzywuzzy thefuzz rapidfuzz zeroconf
systemd-python bidict frozendict gmpy2 cvxopt igraph psycopg2 psycopg
mysqlclient pymysql asyncssh dulwich paho-mqtt pycurl zope-interface
persistent waitress greenlet gevent dnspython pynacl bcrypt cryptography
pyopenssl orjson msgpack zstandard brotli xxhash mmh3 ujson lxml pycparser
cffi pyasn1 rsa oauthlib requests-oauthlib websocket-client jsonpointer
psutil setproctitle pytz tzdata tzlocal docopt sortedcontainers intervaltree
pyrsistent immutables cattrs jsonpickle ijson structlog loguru coloredlogs
humanfriendly xmltodict cssselect parsel w3lib scrapy requests-toolbelt
httplib2 pysocks websockets python-socketio netaddr pyserial pyusb evdev
prompt-toolkit blessed asciimatics textual pyfiglet termcolor prettytable
texttable wcwidth mpmath networkx graphviz pydot shapely pyproj geopy folium
branca openpyxl et-xmlfile xlsxwriter python-docx markdown-it-py mdurl
traitlets ipython black mypy yapf autopep8 bandit radon vulture pre-commit
identify cfgv nodeenv sqlparse peewee schedule apscheduler croniter pendulum
dateparser inflect nltk langdetect jellyfish ftfy emoji polib py-cpuinfo distro
watchdog inotify-simple python-daemon portalocker fasteners tenacity backoff
diskcache joblib cloudpickle dill pyjwt argon2-cffi passlib ecdsa base58
bitarray python-slugify keyring secretstorage jeepney pyperclip pexpect
pytest-cov pytest-mock pytest-xdist execnet docutils sphinx babel
""".split()

# License trove classifiers -> SPDX.  None = ambiguous (package skipped).
CLASSIFIERS = {
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "Apache Software License": "Apache-2.0",
    "BSD License": None,
    "ISC License (ISCL)": "ISC",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
    "Python Software Foundation License": "PSF-2.0",
    "zlib/libpng License": "Zlib",
    "The Unlicense (Unlicense)": "Unlicense",
    "Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "Zero-Clause BSD (0BSD)": "0BSD",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "Eclipse Public License 1.0 (EPL-1.0)": "EPL-1.0",
    "European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "Historical Permission Notice and Disclaimer (HPND)": "HPND",
    "Zope Public License": None,  # version not given
    "GNU General Public License (GPL)": None,
    "GNU Library or Lesser General Public License (LGPL)": None,
    "Academic Free License (AFL)": None,
    "Artistic License": None,
}


def http_get(url: str, tries: int = 5, timeout: int = 120) -> bytes:
    last: Exception | None = None
    for i in range(tries):
        try:
            req = urllib.request.Request(url, headers={"User-Agent": UA})
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.read()
        except urllib.error.HTTPError as e:
            if e.code == 404:
                raise
            last = e
        except Exception as e:  # network hiccup
            last = e
        time.sleep(1.5 * (2 ** i))
    raise RuntimeError(f"GET {url} failed: {last}")


# ------------------------------- crates ------------------------------------

def index_path(name: str) -> str:
    n = name.lower()
    if len(n) <= 2:
        return f"{len(n)}/{n}"
    if len(n) == 3:
        return f"3/{n[0]}/{n}"
    return f"{n[:2]}/{n[2:4]}/{n}"


def semver_key(v: str):
    core = re.split(r"[-+]", v, maxsplit=1)[0]
    return tuple(int(x) if x.isdigit() else 0 for x in core.split("."))


def crate_index(name: str) -> list[dict]:
    raw = http_get(f"https://index.crates.io/{index_path(name)}")
    return [json.loads(l) for l in raw.decode().splitlines() if l.strip()]


def crate_pick(name: str) -> tuple[str, str, str]:
    """-> (exact-cased name, version, sha256) of the newest stable release."""
    entries = [e for e in crate_index(name) if not e.get("yanked") and "-" not in e["vers"]]
    if not entries:
        raise LookupError("no stable non-yanked version")
    best = max(entries, key=lambda e: semver_key(e["vers"]))
    return best["name"], best["vers"], best["cksum"]


def crate_cksum(name: str, version: str) -> str:
    for e in crate_index(name):
        if e["vers"] == version:
            return e["cksum"]
    raise LookupError(f"{name} {version} not in index")


# -------------------------------- pypi -------------------------------------

def pypi_json(name: str, version: str | None = None) -> dict:
    url = f"https://pypi.org/pypi/{name}/json" if version is None else f"https://pypi.org/pypi/{name}/{version}/json"
    return json.loads(http_get(url))


def pypi_truth(info: dict) -> tuple[str | None, str]:
    """-> (SPDX expression or None, source/why-not)."""
    expr = (info.get("license_expression") or "").strip()
    if expr:
        return expr, "license_expression"
    ids, ambiguous = [], []
    for c in info.get("classifiers") or []:
        if not c.startswith("License ::"):
            continue
        last = c.split(" :: ")[-1]
        if last in ("OSI Approved", "Freely Distributable", "Other/Proprietary License",
                    "Public Domain", "Freeware", "DFSG approved"):
            if last in ("Other/Proprietary License", "Public Domain"):
                ambiguous.append(last)
            continue
        spdx = CLASSIFIERS.get(last, "?")
        if spdx is None or spdx == "?":
            ambiguous.append(last)
        elif spdx not in ids:
            ids.append(spdx)
    if ambiguous:
        return None, "ambiguous classifier: " + "; ".join(ambiguous)
    if not ids:
        return None, "no License-Expression and no license classifier"
    return " OR ".join(ids), "classifiers"


def pypi_release(name: str, version: str) -> tuple[dict, dict | None]:
    """-> ({"urls": files of that release}, info of that release or None).
    The per-version JSON endpoint is tried first; the registry mirror here
    only serves /pypi/NAME/json, whose `info` is the latest release's."""
    try:
        d = pypi_json(name, version)
        return d, d["info"]
    except urllib.error.HTTPError as e:
        if e.code != 404:
            raise
    d = pypi_json(name)
    if d["info"]["version"] == version:
        return d, d["info"]
    files = (d.get("releases") or {}).get(version)
    if not files:
        raise LookupError(f"{name} {version} not on PyPI")
    return {"urls": files}, None


def pkg_info(blob: bytes, filename: str) -> dict:
    """PKG-INFO of an sdist -> {"license_expression", "classifiers"}."""
    import email.parser
    text = None
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            names = sorted((n for n in z.namelist() if n.count("/") == 1 and n.endswith("/PKG-INFO")), key=len)
            if names:
                text = z.read(names[0]).decode("utf-8", "replace")
    else:
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:*") as tf:
            for m in tf:
                if m.isfile() and m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"):
                    text = tf.extractfile(m).read().decode("utf-8", "replace")
                    break
    if text is None:
        return {}
    msg = email.parser.Parser().parsestr(text, headersonly=True)
    return {"license_expression": msg.get("License-Expression"), "classifiers": msg.get_all("Classifier") or []}


def pypi_sdist(data: dict) -> dict | None:
    for u in data.get("urls") or []:
        if u.get("packagetype") == "sdist" and not u.get("yanked"):
            return u
    return None


# ------------------------------ extraction ---------------------------------

def safe_extract(blob: bytes, filename: str, dest: Path) -> int:
    """Extract an archive, stripping its single top folder.  Returns files."""
    tmp = dest.with_name(dest.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    n = 0

    def target(member_name: str) -> Path | None:
        parts = [p for p in member_name.replace("\\", "/").split("/") if p not in ("", ".")]
        if len(parts) < 2 or any(p == ".." for p in parts):
            return None
        return tmp.joinpath(*parts[1:])

    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                t = target(info.filename)
                if t is None:
                    continue
                t.parent.mkdir(parents=True, exist_ok=True)
                t.write_bytes(z.read(info))
                n += 1
    else:
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:*") as tf:
            for m in tf:
                if not m.isfile():
                    continue  # no links, devices, dirs (created as needed)
                t = target(m.name)
                if t is None:
                    continue
                t.parent.mkdir(parents=True, exist_ok=True)
                f = tf.extractfile(m)
                if f is None:
                    continue
                t.write_bytes(f.read())
                n += 1
    if dest.exists():
        shutil.rmtree(dest)
    tmp.rename(dest)
    return n


def folder_name(eco: str, name: str, version: str) -> str:
    return f"{eco}-{name}-{version}"


# -------------------------------- main -------------------------------------

def select(jobs: int) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Pick versions for the candidate lists.  -> (pins, skipped lines)."""
    pins: list[tuple[str, str, str]] = []
    skipped: list[str] = []
    seen = set()

    def one_crate(n):
        try:
            name, ver, _ = crate_pick(n)
            return ("cargo", name, ver), None
        except Exception as e:
            return None, f"cargo {n} - selection failed: {e}"


    def one_pypi(n):
        try:
            d = pypi_json(n)
        except Exception as e:
            return None, f"pypi {n} - lookup failed: {e}"
        info = d["info"]
        if pypi_sdist(d) is None:
            return None, f"pypi {n} {info['version']} - no sdist for the latest release"
        return ("pypi", info["name"], info["version"]), None

    for pick, names in ((one_crate, CRATES), (one_pypi, PYPI)):
        with cf.ThreadPoolExecutor(jobs) as ex:
            for pin, skip in ex.map(pick, list(dict.fromkeys(names))):
                if pin and pin not in seen:
                    seen.add(pin)
                    pins.append(pin)
                if skip:
                    skipped.append(skip)
    return pins, skipped


def fetch_one(pin, corpus: Path, dl: Path) -> dict:
    eco, name, ver = pin
    pkgdir = corpus / "packages"
    if eco == "cargo":
        fname = f"{name}-{ver}.crate"
        cache = dl / "crates" / fname
        if cache.exists():
            blob = cache.read_bytes()
        else:
            blob = http_get(f"https://static.crates.io/crates/{name}/{fname}")
            want = crate_cksum(name, ver)
            got = hashlib.sha256(blob).hexdigest()
            if got != want:
                raise RuntimeError(f"checksum mismatch for {fname}")
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(blob)
        # truth: license field of the published manifest
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tf:
            m = tf.getmember(f"{name}-{ver}/Cargo.toml")
            manifest = tomllib.loads(tf.extractfile(m).read().decode("utf-8", "replace"))
        pkg = manifest.get("package", {})
        lic = pkg.get("license")
        if not isinstance(lic, str) or not lic.strip():
            why = "license-file only" if pkg.get("license-file") else "no license field"
            return {"pin": pin, "skip": f"cargo {name} {ver} - {why}"}
        truth, source = lic.strip(), "Cargo.toml license (published .crate)"
        url = f"https://static.crates.io/crates/{name}/{fname}"
        sha = hashlib.sha256(blob).hexdigest()
    else:
        d, info = pypi_release(name, ver)
        if info is not None:
            truth, source = pypi_truth(info)
            source = "PyPI JSON " + source
        else:
            truth, source = None, "pending"
        if truth is None and info is not None:
            return {"pin": pin, "skip": f"pypi {name} {ver} - {source}"}
        sd = pypi_sdist(d)
        if sd is None:
            return {"pin": pin, "skip": f"pypi {name} {ver} - no sdist"}
        fname = sd["filename"]
        # some registry mirrors give file URLs relative to the JSON document
        url = urllib.parse.urljoin(f"https://pypi.org/pypi/{name}/json", sd["url"])
        cache = dl / "pypi" / fname
        if cache.exists():
            blob = cache.read_bytes()
        else:
            blob = http_get(url)
            want = sd.get("digests", {}).get("sha256")
            if want and hashlib.sha256(blob).hexdigest() != want:
                raise RuntimeError(f"checksum mismatch for {fname}")
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(blob)
        sha = hashlib.sha256(blob).hexdigest()
        if info is None:
            # The JSON API only describes the latest release: for an older
            # pinned one, read the same metadata from the sdist's PKG-INFO.
            truth, source = pypi_truth(pkg_info(blob, fname))
            source = "sdist PKG-INFO " + source
            if truth is None:
                return {"pin": pin, "skip": f"pypi {name} {ver} - {source}"}
    folder = folder_name(eco, name, ver)
    dest = pkgdir / folder
    # the "extracted" marker lives outside the package tree so it is not scanned
    mark = corpus / "extracted" / folder
    if not (dest.is_dir() and mark.exists()):
        mark.parent.mkdir(exist_ok=True)
        mark.unlink(missing_ok=True)
        nfiles = safe_extract(blob, fname, dest)
        mark.write_text(f"{nfiles}\n")
    return {"pin": pin, "folder": folder, "ecosystem": eco, "name": name, "version": ver,
            "declared": truth, "truth_source": source, "url": url, "sha256": sha,
            "archive_bytes": len(blob)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=Path(__file__).resolve().parents[2] / "target" / "license-corpus", type=Path)
    ap.add_argument("--jobs", type=int, default=4, help="parallel downloads (max 4)")
    ap.add_argument("--reselect", action="store_true", help="pick versions again and rewrite packages.txt")
    a = ap.parse_args()
    jobs = max(1, min(4, a.jobs))
    corpus: Path = a.corpus
    (corpus / "packages").mkdir(parents=True, exist_ok=True)
    dl = corpus / "downloads"
    t0 = time.time()

    pre_skipped: list[str] = []
    if PINS.exists() and not a.reselect:
        pins = []
        for line in PINS.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                eco, name, ver = line.split()
                pins.append((eco, name, ver))
        print(f"using {len(pins)} pinned packages from {PINS}", file=sys.stderr)
    else:
        pins, pre_skipped = select(jobs)
        print(f"selected {len(pins)} packages ({len(pre_skipped)} candidates dropped)", file=sys.stderr)

    results, skipped, failed = [], list(pre_skipped), []
    with cf.ThreadPoolExecutor(jobs) as ex:
        futs = {ex.submit(fetch_one, p, corpus, dl): p for p in pins}
        for i, f in enumerate(cf.as_completed(futs), 1):
            p = futs[f]
            try:
                r = f.result()
            except Exception as e:
                failed.append(f"{p[0]} {p[1]} {p[2]} - fetch failed: {e}")
                continue
            if "skip" in r:
                skipped.append(r["skip"])
            else:
                results.append(r)
            if i % 50 == 0:
                print(f"  {i}/{len(pins)} done ({time.time() - t0:.0f}s)", file=sys.stderr)

    results.sort(key=lambda r: r["folder"])
    # packages.txt pins every selected package, including those then skipped
    # for an ambiguous truth (so reruns reproduce the same skips); candidates
    # whose selection failed (name not found, no sdist) are not pinned.
    if not PINS.exists() or a.reselect:
        with PINS.open("w") as fh:
            fh.write("# ecosystem name version - pinned by fetch.py (rerun fetches exactly these)\n")
            for p in sorted(set(pins)):
                fh.write(f"{p[0]} {p[1]} {p[2]}\n")
    full = {r["folder"]: {k: v for k, v in r.items() if k != "pin"} for r in results}
    (corpus / "truth.json").write_text(json.dumps(full, indent=1, sort_keys=True) + "\n")
    SMALL_TRUTH.write_text(json.dumps({k: v["declared"] for k, v in full.items()}, indent=1, sort_keys=True) + "\n")
    with SKIPPED.open("w") as fh:
        fh.write("# packages not in the benchmark, and why (written by fetch.py)\n")
        for s in sorted(skipped + failed):
            fh.write(s + "\n")
    # remove extracted folders that are no longer part of the set
    for d in (corpus / "packages").iterdir():
        if d.is_dir() and d.name not in full:
            shutil.rmtree(d)
    ncr = sum(1 for r in results if r["ecosystem"] == "cargo")
    npy = sum(1 for r in results if r["ecosystem"] == "pypi")
    print(f"packages: {len(results)} ({ncr} crates, {npy} PyPI); skipped {len(skipped)}, failed {len(failed)}; "
          f"{time.time() - t0:.0f}s", file=sys.stderr)
    for s in sorted(skipped + failed):
        print("  skipped: " + s, file=sys.stderr)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
