"""Where the per-document work runs: this process, a pool of worker processes, or a Dask cluster.

Executors are registered by name (`EXECUTORS`, imported on first use) and all do one thing: take
the documents to process and yield one `Outcome` per document, in any order. An outcome carries
the packed result (`document.pack`) or a reference to where the executor keeps it, the packed
entities (all the corpus merge reads), the document's stage times, or a structured `DocError`.
Everything else (the store, the merge, the graph, the page, progress, strict mode) is the
driver's, the same for every executor. An executor may add outputs of its own after the merge
(`finish`: the Dask executor's N-Quads shards).

Pool workers get the build's resources once (through fork where the platform has it), take
batches of documents, and send back each result packed, so the parent only files them; at most a
few batches per worker are in flight, so memory stays flat whatever the corpus size.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from importlib import import_module
from itertools import islice
from typing import Iterator, NamedTuple

from ..errors import InputError, KgError

log = logging.getLogger(__name__)

# executor name -> "module:class" in kg.build
EXECUTORS: dict[str, str] = {
    "inline": "executors:Inline",
    "processes": "executors:ProcessPool",
    "dask": "cluster:Dask",
}
# engine (what a user chooses) -> its executors: local is inline for one job, else processes
ENGINES: dict[str, tuple[str, ...]] = {"local": ("inline", "processes"), "dask": ("dask",)}


class EngineError(KgError):
    """An engine cannot run: unknown, not installed, unreachable, or given another engine's option."""


class Doc(NamedTuple):
    """An input file: where it is, its stable name, its size in bytes (0 if it cannot be read)."""

    path: object
    rel: str
    size: int


class DocError(NamedTuple):
    """Why a document was skipped. kind: "input" (it cannot be read) or "internal" (a bug it hit)."""

    path: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Outcome:
    """What one document gave: its packed result and entities, or an error."""

    rel: str
    path: str
    size: int = 0
    sha256: str | None = None
    ents: bytes | None = None      # document.pack_entities(result)
    blob: bytes | None = None      # document.pack(result), or None when the executor keeps it at `ref`
    ref: tuple | None = None       # (file, offset, length) of the packed result
    error: DocError | None = None
    times: dict | None = None      # seconds per stage, when the build is timed

    def packed(self) -> bytes:
        """The packed result, wherever it is kept."""
        return self.blob if self.blob is not None else read_ref(self.ref)


def read_ref(ref: tuple) -> bytes:
    """The bytes at a (file, offset, length) reference."""
    name, off, n = ref
    with open(name, "rb") as fh:
        fh.seek(off)
        return fh.read(n)


@dataclass(frozen=True)
class Work:
    """What the per-document work needs: the build's resources, and whether to time it."""

    resources: object    # extract.resources.Resources (pickles as lexicon paths + fingerprint)
    timed: bool = False


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def internal_error(exc: BaseException) -> str:
    """`internal error ExceptionType: message` on one line (at most 300 characters)."""
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:297] + "..."
    return f"internal error {type(exc).__name__}: {text}" if text else f"internal error {type(exc).__name__}"


def process(doc: Doc, work: Work) -> tuple[Outcome, object]:
    """Process one document: its outcome (result packed) and the result itself (None on error).

    A document that cannot be read (KgError) or that hits a bug (any other Exception) gives an
    outcome with a `DocError`, so the other documents go on."""
    from . import document
    from .timing import Stages

    path = str(doc.path)
    clock = Stages() if work.timed else None
    try:
        result = document.process_path(doc.path, doc.rel, work.resources, clock)
    except KgError as exc:
        message = exc.problem if isinstance(exc, InputError) and exc.path == path else str(exc)
        error = DocError(path, "input", message)
    except Exception as exc:  # a bug hit by this document: skip it, name it, keep building the others
        log.debug("internal error while processing %s", path, exc_info=True)
        error = DocError(path, "internal", internal_error(exc))
    else:
        return Outcome(doc.rel, path, doc.size, result.sha256, document.pack_entities(result), document.pack(result),
                       times=clock and clock.seconds), result
    return Outcome(doc.rel, path, doc.size, error=error, times=clock and clock.seconds), None


class Executor:
    """Runs the per-document work of a build: `with executor: executor.run(docs)`."""

    options: tuple = ()   # the keyword options it takes besides jobs

    def __init__(self, work: Work, jobs: int, out_dir):
        self.work, self.jobs, self.out_dir = work, jobs, out_dir

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Stop the work and free what the executor holds (called on success and on error)."""

    def run(self, docs: list[Doc]) -> Iterator[Outcome]:
        raise NotImplementedError

    def finish(self, merged, *, base: str, stored, clock, documents: int, graph: str) -> dict:
        """Outputs of the executor's own once the corpus is merged and `graph` written (`stored()`:
        the results of the documents taken from a store, or None); returns report fields."""
        return {}


class Inline(Executor):
    """One document after another, in this process."""

    def run(self, docs: list[Doc]) -> Iterator[Outcome]:
        for doc in docs:
            yield process(doc, self.work)[0]


_WORK: Work | None = None   # a pool worker's Work, set once by its initializer


def _init_worker(work: Work) -> None:
    global _WORK
    _WORK = work


def _work_batch(batch: list[Doc]) -> list[Outcome]:
    return [process(doc, _WORK)[0] for doc in batch]


def batches(docs: list, jobs: int) -> list[list]:
    """Consecutive batches: small enough to balance the load, large enough to amortise the IPC."""
    size = max(1, min(32, len(docs) // (jobs * 8)))
    return [docs[i:i + size] for i in range(0, len(docs), size)]


class ProcessPool(Executor):
    """Documents in batches over `jobs` worker processes; results arrive in completion order."""

    pool = None

    def run(self, docs: list[Doc]) -> Iterator[Outcome]:
        import multiprocessing as mp
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        if not docs:
            return
        ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        work = batches(docs, self.jobs)
        self.pool = ProcessPoolExecutor(max_workers=min(self.jobs, len(work)), mp_context=ctx,
                                        initializer=_init_worker, initargs=(self.work,))
        queue = iter(work)
        pending = {self.pool.submit(_work_batch, batch) for batch in islice(queue, self.jobs * 3)}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(self.pool.submit(_work_batch, nxt))
                yield from fut.result()
        # the last result is in: stop the workers now, so that their memory (the resources, ~265 MB
        # each) is free while the build merges the corpus and writes the graph
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def executor(engine: str, work: Work, *, jobs: int, docs: int, out_dir, **options) -> Executor:
    """The executor for `engine` ("local" or "dask"), `jobs` workers (0: one per core) and `docs`
    documents to process; `options` that are None are not given."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    jobs = default_jobs() if not jobs or jobs < 1 else jobs
    names = ENGINES[engine]
    cls = _load(names[0] if len(names) == 1 or jobs == 1 or docs <= 1 else names[1])
    options = {k: v for k, v in options.items() if v is not None}
    for option in sorted(set(options) - set(cls.options)):
        owners = [e for e, names in ENGINES.items() if any(option in _load(n).options for n in names)]
        raise EngineError(f"{option} is not an option of the {engine} engine"
                          + (f"; it needs --engine {owners[0]}" if owners else ""))
    return cls(work, jobs, out_dir, **options)


def _load(name: str) -> type:
    module, _, attr = EXECUTORS[name].partition(":")
    return getattr(import_module(f"{__package__}.{module}"), attr)
