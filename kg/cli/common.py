"""The one place where the CLI turns problems into messages and exit codes.

0 ok, 1 a check failed (`validate`, `eval` thresholds), 2 bad usage or bad input. Every command
reports through `fail` or `library_errors`, so the message format (`Error: …` on stderr) and the
codes are the same everywhere.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, NoReturn

import click

from ..errors import KgError

OK = 0
CHECK_FAILED = 1
BAD_INPUT = 2


class Failure(click.ClickException):
    """A message for the user and the exit code that goes with it."""

    def __init__(self, message: str, exit_code: int = BAD_INPUT):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        """`Error: …` for bad usage or input, `Failed: …` for a failed check; nothing if empty."""
        if self.message:
            label = "Failed" if self.exit_code == CHECK_FAILED else "Error"
            click.echo(f"{label}: {self.message}", err=True, file=file)


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """Stop the command: print the message on stderr (see Failure.show) and exit with `code`."""
    raise Failure(message, code)


@contextmanager
def library_errors(prefix: str = "", *, oserror: str | None = None) -> Iterator[None]:
    """Map the library's KgError (a problem the user can fix) to exit code 2.

    `prefix` goes before the message (`"q.rq: "`); with `oserror`, an OSError becomes
    `"{oserror}: {error}"` too (for commands that write files the library does not name).
    """
    try:
        yield
    except KgError as exc:
        fail(f"{prefix}{exc}")
    except OSError as exc:
        if oserror is None:
            raise
        fail(f"{oserror}: {exc}")
