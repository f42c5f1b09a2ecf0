"""Run the per-document work in this process or in a pool of worker processes.

Workers load the lexicons once (inherited through fork where the platform has it), take
batches of documents, and send back each result packed (`document.pack`), so the parent only
unpacks and files them. At most a few batches per worker are in flight, so memory stays flat
whatever the corpus size. Results arrive in completion order; the caller orders them.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from typing import Iterator

from ..errors import KgError

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What one document gave: a result (object in-process, packed bytes from a worker) or an error."""

    rel: str
    path: str
    result: object = None
    blob: bytes | None = None      # document.pack(result)
    ents: bytes | None = None      # document.pack_entities(result): all the parent has to unpack
    sha256: str | None = None
    error: str | None = None
    times: dict | None = None


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _one(path, rel: str, lexicons: tuple, packed: bool) -> Outcome:
    from . import document, timing

    # a worker reports its stage times with each result; in this process they are counted already
    before = dict(timing._TIMES) if packed and timing._TIMES is not None else None
    try:
        result = document.process_path(path, rel, lexicons)
    except KgError as exc:
        return Outcome(rel, str(path), error=str(exc), times=_delta(before))
    except Exception as exc:  # a bug hit by this document: skip it, name it, keep building the others
        log.debug("internal error while processing %s", path, exc_info=True)
        return Outcome(rel, str(path), error=f"{path}: {internal_error(exc)}", times=_delta(before))
    if packed:
        return Outcome(rel, str(path), blob=document.pack(result), ents=document.pack_entities(result),
                       sha256=result.sha256, times=_delta(before))
    return Outcome(rel, str(path), result=result, times=_delta(before))


def internal_error(exc: BaseException) -> str:
    """`ExceptionType: message` on one line (at most 300 characters): how a skipped document's bug is reported."""
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:297] + "..."
    return f"internal error {type(exc).__name__}: {text}" if text else f"internal error {type(exc).__name__}"


def _delta(before: dict | None) -> dict | None:
    from . import timing

    if before is None or timing._TIMES is None:
        return None
    return {k: timing._TIMES[k] - before[k] for k in before}


def _init_worker(lexicons: tuple, timed: bool) -> None:
    from . import document, timing

    timing.enable_timing(timed)
    document.resources(lexicons)


def _work_batch(batch: list, lexicons: tuple) -> list[Outcome]:
    return [_one(path, rel, lexicons, packed=True) for path, rel in batch]


def batches(files: list, jobs: int) -> list[list]:
    """Consecutive batches: small enough to balance the load, large enough to amortise the IPC."""
    size = max(1, min(32, len(files) // (jobs * 8)))
    return [files[i:i + size] for i in range(0, len(files), size)]


def run(files: list, lexicons: tuple = (), jobs: int = 1, *, timing: bool = False) -> Iterator[Outcome]:
    """Process (path, rel) pairs; yields one Outcome per file in completion order.

    jobs=1 (or a single file) works in this process and yields result objects; jobs>1 uses a
    process pool and yields packed results. A document that cannot be read (KgError) or that hits
    a bug in extraction (any other Exception) gives an Outcome with `error` set, naming the file
    and the reason on one line, and the others go on; closing the generator early cancels the
    work not yet started."""
    if jobs <= 1 or len(files) <= 1:
        for path, rel in files:
            yield _one(path, rel, lexicons, packed=False)
        return
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    work = batches(files, jobs)
    pending = set()
    with ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=ctx, initializer=_init_worker,
                             initargs=(lexicons, timing)) as pool:
        try:
            queue = iter(work)
            for batch in queue:
                pending.add(pool.submit(_work_batch, batch, lexicons))
                if len(pending) >= jobs * 3:
                    break
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.add(pool.submit(_work_batch, nxt, lexicons))
                    yield from fut.result()
        finally:
            for fut in pending:
                fut.cancel()
