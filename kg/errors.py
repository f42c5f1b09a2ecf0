"""Library errors. The CLI maps KgError subclasses to exit code 2 with their message."""

from __future__ import annotations


class KgError(Exception):
    """Base class: a problem the user can fix, with a message that names the file."""


class InputError(KgError):
    """A document cannot be read (missing, binary, undecodable, empty)."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class DataFileError(KgError):
    """A rules or lexicon file is malformed; names the file and the line."""

    def __init__(self, path, line: int | None, problem: str):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")
