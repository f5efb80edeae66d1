"""corpusledger: deduplicate code corpora and publish a verifiable manifest.

The functions here run the same Rust code as the ``corpusledger`` command,
in this process (no subprocess):

>>> import corpusledger
>>> summary = corpusledger.run(["sample-data/repos"], "out", threshold=0.8)
>>> summary.kept, summary.removed
>>> corpusledger.verify("out").valid
True

Settings are the command's flags and config keys in snake_case
(``memory_limit="2G"``, ``keep_policy=["source-order"]``,
``stackexchange_mode="code-block"``; ``configs/default.toml`` lists them
all). Failures raise :class:`CorpusledgerError`, which carries the command's
exit code and message.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _corpusledger
from .errors import CorpusledgerError

__all__ = [
    "CorpusledgerError",
    "CorpusledgerWarning",
    "Finding",
    "LookupAnswer",
    "LookupResult",
    "Progress",
    "RunSummary",
    "VerifyReport",
    "__version__",
    "lookup",
    "read_manifest",
    "run",
    "verify",
]

__version__: str = _corpusledger.__version__

PathLike = Union[str, "os.PathLike[str]"]
#: ``callback(stage, done, total, unit)``: ``total`` is None when unknown.
Progress = Callable[[str, int, Optional[int], str], Any]


class CorpusledgerWarning(UserWarning):
    """A problem the run went on past (an unreadable input, a bad row); the
    ledger and the summary's ``problems`` list them too."""


@dataclass(frozen=True)
class RunSummary:
    """What ``run`` did: the counts of its manifest and where it wrote them.

    ``documents == kept + sum(removed.values()) + sum(rejected.values())``.
    ``exit_code`` is the command's: 0, or 1 when some input could not be
    read (each is in ``problems`` and in the ledger).
    """

    out_dir: str
    documents: int
    input_bytes: int
    kept: int
    kept_bytes: int
    removed: Mapping[str, int]
    rejected: Mapping[str, int]
    clusters: int
    licenses: Mapping[str, int]
    problems: Sequence[str]
    license_problems: Sequence[str]
    files: Sequence[str]
    stage_seconds: Sequence[Tuple[str, float]]
    elapsed_seconds: float
    #: What the run took from beside its inputs (a Stack Exchange dump's
    #: ``Users.xml``), one line each.
    notes: Sequence[str] = ()
    #: The near-duplicate search, as the command's ``--json`` prints it:
    #: ``bands``, ``rows``, ``recall-at-threshold``, ``candidate-pairs``,
    #: ``candidates-per-signed-text``, ``length-filtered-pairs``,
    #: ``verified-pairs`` and the seconds spent on candidates and verification.
    dedup: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0

    @classmethod
    def _from_json(cls, text: str) -> "RunSummary":
        raw = {key.replace("-", "_"): value for key, value in json.loads(text).items()}
        known = {name for name in cls.__dataclass_fields__ if name != "extra"}
        values = {key: raw.pop(key) for key in list(raw) if key in known}
        values["stage_seconds"] = [tuple(stage) for stage in values.get("stage_seconds", [])]
        return cls(**values, extra=raw)


@dataclass(frozen=True)
class Finding:
    """One difference between a dataset and its manifest; ``code`` is one of
    the stable codes ``corpusledger verify`` prints (``file-hash-mismatch``,
    ``rows-mismatch``, ``merkle-root-mismatch``, ...)."""

    code: str
    file: Optional[str]
    message: str


@dataclass(frozen=True)
class VerifyReport:
    """What ``verify`` checked, and every finding; ``valid`` when there is
    none but notes (``file-withheld`` and ``checks-skipped`` in a partial
    release): the command's exit code 0, else 1."""

    valid: bool
    files: int
    bytes: int
    rows: int
    merkle_root: str
    findings: Sequence[Finding]

    @property
    def exit_code(self) -> int:
        return 0 if self.valid else 1

    def codes(self) -> List[str]:
        """The findings' codes, in the order found."""
        return [finding.code for finding in self.findings]


@dataclass(frozen=True)
class LookupAnswer:
    """One file's answer: ``status`` is ``kept``, ``near-copy-kept``,
    ``removed`` or ``absent``; each match is a dict as in ``lookup --json``
    (relation, status, doc-id, repo, source-path, license, jaccard, and its
    Merkle inclusion ``proof``, which ``corpusledger verify DIR --proof``
    checks)."""

    path: str
    sha256: str
    status: str
    matches: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class LookupResult:
    dataset: str
    threshold: str
    answers: Sequence[LookupAnswer]

    def to_json(self) -> str:
        """The answers in ``lookup --json``'s layout, for ``verify --proof``."""
        return json.dumps(
            {
                "dataset": self.dataset,
                "threshold": self.threshold,
                "answers": [
                    {"path": a.path, "sha256": a.sha256, "status": a.status, "matches": list(a.matches)}
                    for a in self.answers
                ],
            },
            indent=2,
        )


def _fspath(value: Any) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return os.fspath(value) if isinstance(value, os.PathLike) else value
    return [_fspath(item) for item in value]


def _tqdm_progress() -> Progress:
    from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]  # the `progress` extra

    bars: Dict[str, Any] = {}

    def update(stage: str, done: int, total: Optional[int], unit: str) -> None:
        bar = bars.get("bar")
        if bar is None or bars.get("stage") != stage:
            if bar is not None:
                bar.close()
            bar = tqdm(total=total, desc=stage, unit=f" {unit}" if unit else "it", leave=False)
            bars.update(bar=bar, stage=stage)
        bar.update(done - bar.n)
        if total is not None and done >= total:
            bar.close()
            bars.clear()

    return update


def _progress_callback(progress: Union[None, bool, Progress], quiet: bool) -> Optional[Progress]:
    if callable(progress):
        return progress
    if progress is False or quiet:
        return None
    if progress is None:
        # As the command: bars only on a terminal, and only if tqdm is there.
        if not sys.stderr.isatty():
            return None
        try:
            return _tqdm_progress()
        except ImportError:
            return None
    try:
        return _tqdm_progress()
    except ImportError as err:
        raise CorpusledgerError(
            "progress=True needs tqdm: pip install 'corpusledger[progress]' (or pass a callback)", 2
        ) from err


def run(
    inputs: Union[PathLike, Sequence[PathLike], None] = None,
    out: Optional[PathLike] = None,
    *,
    config: Optional[PathLike] = None,
    overwrite: bool = False,
    progress: Union[None, bool, Progress] = None,
    **settings: Any,
) -> RunSummary:
    """Runs the whole pipeline (ingest, exact and near dedup, licenses,
    shards, ledger, manifest) as ``corpusledger run`` does, with the same
    output bytes.

    ``inputs`` are directory trees, ``.jsonl[.gz|.zst]``, Stack-layout
    ``.parquet`` files or Stack Exchange dumps; ``out`` the dataset
    directory. ``config`` is a TOML config file; ``inputs``, ``out`` and
    ``settings`` (the flags in snake_case: ``threshold=0.8``,
    ``threads=4``, ``memory_limit="2G"``...) override it. ``overwrite``
    replaces another run's output in ``out``.

    ``progress`` is a callback ``(stage, done, total, unit)``, ``True`` for a
    tqdm bar, ``False`` for nothing; by default a tqdm bar when stderr is a
    terminal and tqdm is installed. Problems the run goes on past are
    issued as :class:`CorpusledgerWarning` and listed in ``problems``.

    An input that cannot be read (a missing path, a corrupt stream) does
    not stop the run, as with the command: it is a problem in the summary
    (``exit_code`` 1) and a warning. Raises :class:`CorpusledgerError`
    (exit code 2) when the run cannot start or finish: no input or output,
    an unknown setting or a bad value, an output directory that holds
    something else.
    """
    layer = {key.replace("_", "-"): _fspath(value) for key, value in settings.items()}
    if inputs is not None:
        layer["input"] = [_fspath(inputs)] if isinstance(inputs, (str, os.PathLike)) else _fspath(list(inputs))
    if out is not None:
        layer["out"] = _fspath(out)
    callback = _progress_callback(progress, bool(settings.get("quiet")))

    def warn(message: str) -> None:
        warnings.warn(message, CorpusledgerWarning, stacklevel=3)

    text = _corpusledger.run(
        json.dumps(layer),
        None if config is None else os.fspath(config),
        overwrite,
        callback,
        warn,
    )
    summary = RunSummary._from_json(text)
    for problem in summary.problems:
        warn(problem)
    return summary


def verify(path: PathLike) -> VerifyReport:
    """Checks a dataset directory against its ``manifest.json`` as
    ``corpusledger verify`` does: every file's size and SHA-256, unexpected
    files, the Merkle root, row counts, each kept row's content hash, the
    count identities and the ledger.

    Returns the report (``valid`` and the findings with their codes).
    Raises :class:`CorpusledgerError` when it cannot run: no such
    directory, no manifest, a manifest that is not JSON or not of this
    version. To check a signature use ``corpusledger verify DIR --pubkey``.
    """
    raw = json.loads(_corpusledger.verify(os.fspath(path)))
    findings = [Finding(f["code"], f.get("file"), f["message"]) for f in raw["findings"]]
    return VerifyReport(raw["valid"], raw["files"], raw["bytes"], raw["rows"], raw["merkle_root"], findings)


def lookup(path: PathLike, files: Union[PathLike, Sequence[PathLike]], *, threshold: Optional[float] = None) -> LookupResult:
    """Are these files, or near copies of them, in the dataset at ``path``?
    As ``corpusledger lookup --json``: directories are walked, each file is
    answered from the dataset's index with Merkle inclusion proofs.
    ``threshold`` defaults to the dataset's near-duplicate threshold.
    """
    names = [_fspath(files)] if isinstance(files, (str, os.PathLike)) else [_fspath(f) for f in files]
    raw = json.loads(_corpusledger.lookup(os.fspath(path), names, threshold))
    answers = [LookupAnswer(a["path"], a["sha256"], a["status"], a["matches"]) for a in raw["answers"]]
    return LookupResult(raw["dataset"], raw["threshold"], answers)


def read_manifest(path: PathLike) -> Dict[str, Any]:
    """The manifest of a dataset (its directory or ``manifest.json``) as a
    dict, after checking that it is a corpusledger manifest of this version
    (counts, parameters, inputs, licenses, files and Merkle root; see
    ``docs/manifest.md``)."""
    manifest: Dict[str, Any] = json.loads(_corpusledger.read_manifest(os.fspath(path)))
    return manifest
