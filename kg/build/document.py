"""Per-document work: one file -> one Document -> spans -> entities and facts (no corpus state).

Pure and picklable in and out, so it runs in worker processes (`executors`) or on a cluster
(`cluster`). The resources (lexicon, automata) and an optional `timing.Stages` are passed in."""

from __future__ import annotations

import pickle
import zlib
from time import perf_counter

from ..model import DocResult


def resources(res=()):
    """Lexicon, gazetteer and affix automata of a `Resources`, or of the bundled data and these
    user lexicon paths."""
    from ..extract.resources import as_resources

    r = as_resources(res)
    return r.lexicon, r.gazetteer, r.affixes


def process_document(doc, res=None, clock=None) -> DocResult:
    """One Document -> its entities and facts (no corpus-level state).

    The steps and what each requires and assigns are in the registries (kg.extract.registry:
    extractors, the overlap policy, the speaker; kg.resolve.document.RESOLVE; kg.relate.registry:
    the relation rules); one Context per document carries what they share.
    `res`: the build's `Resources` (or user lexicon paths to load them from; default the bundled
    data alone); `clock`: a `timing.Stages` to add this document's stage times to, or None."""
    from ..extract.context import Context
    from ..extract.registry import extract
    from ..relate.context import RelContext
    from ..relate.registry import relate
    from ..resolve.document import DocResolver

    lex, gaz, aff = resources(res)
    t = clock.seconds if clock is not None else None
    if t is not None:
        t0, seg0 = perf_counter(), t["segmentation"]
    ctx = Context(doc, lex, gaz, aff)
    if clock is not None:
        ctx.segment = clock.timed("segmentation", ctx.segment)
    spans = extract(ctx)
    if t is not None:
        t1 = perf_counter()
    resolver = DocResolver(doc, spans, lex, ctx)
    result = resolver.resolve()
    if t is not None:
        t2 = perf_counter()
    result.facts = relate(RelContext(ctx, resolver))
    if doc.pages:  # a paged document (PDF): each fact's evidence gives the page its sentence starts on
        for fact in result.facts:
            fact.page = doc.page_at(fact.sent_start)
    result.metadata = dict(doc.metadata)
    if t is not None:
        t3 = perf_counter()
        t["resolution"] += t2 - t1
        t["extraction"] += (t1 - t0) + (t3 - t2) - (t["segmentation"] - seg0)
    return result


def process_path(path, rel: str, res=None, clock=None) -> DocResult:
    """Read the file at `path` as document `rel` and process it (see `process_document`)."""
    from ..ingest.reader import read_document

    t0 = perf_counter()
    doc = read_document(path)
    doc.rel_path = rel
    if clock is not None:
        clock.seconds["ingest"] += perf_counter() - t0
    return process_document(doc, res, clock)


def pack(result: DocResult) -> bytes:
    """A DocResult as compact bytes (pickle + zlib level 1: ~0.3x the input text, ~50 ms/MB)."""
    return zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes):
    """What `pack` or `pack_entities` packed."""
    return pickle.loads(zlib.decompress(blob))


def pack_entities(result: DocResult) -> bytes:
    """Only the entities of a result: all the corpus merge reads of a document."""
    return zlib.compress(pickle.dumps(result.entities, protocol=pickle.HIGHEST_PROTOCOL), 1)
