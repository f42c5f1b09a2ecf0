"""Seconds per stage of a build, for benchmarks (`build(..., timing=True)` -> `BuildReport.stages`).

A `Stages` is handed to the work it times: the driver times the corpus stages, and each document
gets its own (in whatever process runs it) whose seconds come back with its outcome. Segmentation
is timed by wrapping the tokeniser of that document's extraction context, nothing global.
"""

from __future__ import annotations

from time import perf_counter
from typing import Callable

STAGES = ("ingest", "segmentation", "extraction", "resolution", "graph", "serialisation")


class Stages:
    """Seconds per stage (`seconds`), added to by `with stages.stage(name):` and `timed` callables."""

    __slots__ = ("seconds",)

    def __init__(self):
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)

    def stage(self, name: str) -> "_Stage":
        """A `with` block whose wall time is added to stage `name`."""
        return _Stage(self.seconds, name)

    def timed(self, name: str, fn: Callable) -> Callable:
        """`fn`, adding the time of each call to stage `name`."""
        seconds = self.seconds

        def call(*args, **kwargs):
            t0 = perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[name] += perf_counter() - t0

        return call

    def add(self, seconds: dict | None) -> None:
        for k, v in (seconds or {}).items():
            self.seconds[k] += v


class _Stage:
    __slots__ = ("seconds", "name", "t0")

    def __init__(self, seconds: dict, name: str):
        self.seconds, self.name = seconds, name

    def __enter__(self):
        self.t0 = perf_counter()

    def __exit__(self, *exc):
        self.seconds[self.name] += perf_counter() - self.t0
