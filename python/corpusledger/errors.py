"""The exception every corpusledger function raises when it cannot run."""

from __future__ import annotations


class CorpusledgerError(Exception):
    """A corpusledger call could not run.

    ``exit_code`` is the code the ``corpusledger`` command exits with for the
    same failure (2: could not run: a missing path, a bad option value, a
    damaged manifest), and ``message`` is the text it prints after
    ``error:``, with each cause on its own ``caused by:`` line.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"CorpusledgerError({self.message!r}, exit_code={self.exit_code})"
