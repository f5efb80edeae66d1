"""The ``corpusledger`` command installed by pip: the same program as the
Rust binary, run in this process."""

from __future__ import annotations

import sys

from . import _corpusledger


def main() -> None:
    """Runs ``corpusledger`` with ``sys.argv`` and exits with its code."""
    sys.exit(_corpusledger.main(["corpusledger", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
