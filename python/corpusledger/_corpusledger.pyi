"""Type stubs of the native module (crates/python). Use the wrappers in
``corpusledger``; these take and return JSON text."""

from typing import Any, Callable, Optional, Sequence

__version__: str

def run(
    settings: str,
    config: Optional[str] = None,
    overwrite: bool = False,
    progress: Optional[Callable[[str, int, Optional[int], str], Any]] = None,
    warn: Optional[Callable[[str], Any]] = None,
) -> str:
    """Runs the pipeline with ``settings`` (a JSON object of config keys);
    returns the run summary as JSON."""

def verify(path: str) -> str:
    """The ``verify --json`` report of the dataset at ``path``."""

def lookup(path: str, files: Sequence[str], threshold: Optional[float] = None) -> str:
    """The ``lookup --json`` answers for ``files`` in the dataset at ``path``."""

def read_manifest(path: str) -> str:
    """The checked text of a dataset's manifest."""

def main(argv: Sequence[str]) -> int:
    """The ``corpusledger`` command; returns its exit code."""
