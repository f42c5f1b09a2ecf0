"""Per-stage timers for benchmarks: off by default, and then each hook costs one test."""

from __future__ import annotations

from time import perf_counter

STAGES = ("ingest", "segmentation", "extraction", "resolution", "graph", "serialisation")

# Seconds per stage while timing is on (see `enable_timing`); None = off, and the hooks cost one test.
_TIMES: dict[str, float] | None = None


def enable_timing(on: bool = True) -> dict | None:
    """Turn the per-stage timers on (returns the dict they add seconds to) or off.

    Segmentation is timed by wrapping `rjieba.tag`, the one tokeniser extraction calls; its time
    is taken out of extraction so the stages add up."""
    global _TIMES
    if on:
        _TIMES = dict.fromkeys(STAGES, 0.0)
        _time_rjieba()
    else:
        _TIMES = None
    return _TIMES


def timings() -> dict | None:
    return _TIMES


def _time_rjieba() -> None:
    import rjieba

    if getattr(rjieba.tag, "kg_timed", False):
        return
    original = rjieba.tag

    def tag(*args, **kwargs):
        t = _TIMES
        if t is None:
            return original(*args, **kwargs)
        t0 = perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            t["segmentation"] += perf_counter() - t0

    tag.kg_timed = True
    rjieba.tag = tag


class _Stage:
    """`with _Stage("graph"):` adds the block's wall time to that stage when timing is on."""

    __slots__ = ("name", "t0")

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.t0 = perf_counter() if _TIMES is not None else 0.0

    def __exit__(self, *exc):
        if _TIMES is not None:
            _TIMES[self.name] += perf_counter() - self.t0
