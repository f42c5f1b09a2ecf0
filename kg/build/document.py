"""Per-document work: one file -> one Document -> spans -> entities and facts (no corpus state).

Pure and picklable in and out, so it runs in worker processes (`executors`) or on a cluster
(`cluster`)."""

from __future__ import annotations

import pickle
import zlib
from time import perf_counter

from ..model import DocResult
from . import timing

def resources(lexicons: tuple = ()):
    """Lexicon, gazetteer and affix automata for the bundled data and these user lexicons."""
    from ..extract.resources import load_resources

    r = load_resources(lexicons)
    return r.lexicon, r.gazetteer, r.affixes


def process_document(doc, lexicons: tuple = ()) -> DocResult:
    """One Document -> its entities and facts (no corpus-level state)."""
    from ..extract.context import Context
    from ..extract.registry import extract
    from ..relate.context import RelContext
    from ..relate.registry import relate
    from ..resolve.document import DocResolver

    lex, gaz, aff = resources(lexicons)
    t = timing._TIMES
    if t is not None:
        t0, seg0 = perf_counter(), t["segmentation"]
    ctx = Context(doc, lex, gaz, aff)
    spans = extract(ctx)
    _speaker(doc, spans)
    if t is not None:
        t1 = perf_counter()
    resolver = DocResolver(doc, spans, lex)
    result = resolver.resolve()
    if t is not None:
        t2 = perf_counter()
    result.facts = relate(RelContext(ctx, resolver))
    result.metadata = dict(doc.metadata)
    if t is not None:
        t3 = perf_counter()
        t["resolution"] += t2 - t1
        t["extraction"] += (t1 - t0) + (t3 - t2) - (t["segmentation"] - seg0)
    return result


def _speaker(doc, spans) -> None:
    """A line that is only `POST NAME` before the body is the speaker of a speech."""
    for s in spans:
        if s.type == "Official" and s.sid < 8:
            sent = doc.sentences[s.sid]
            if s.end == sent.end and len(sent.text) <= 30:
                doc.metadata.setdefault("speaker", s.text)
                doc.metadata.setdefault("authors", [s.text])
                return


def process_path(path, rel: str, lexicons: tuple = ()) -> DocResult:
    from ..ingest.reader import read_document

    with timing._Stage("ingest"):
        doc = read_document(path)
        doc.rel_path = rel
    return process_document(doc, lexicons)


def pack(result: DocResult) -> bytes:
    """A DocResult as compact bytes (pickle + zlib level 1: ~0.3x the input text, ~50 ms/MB)."""
    return zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> DocResult:
    return pickle.loads(zlib.decompress(blob))


def pack_entities(result: DocResult) -> bytes:
    """Only the entities of a result: all the corpus merge reads of a stored document."""
    return zlib.compress(pickle.dumps(result.entities, protocol=pickle.HIGHEST_PROTOCOL), 1)


def relabel(result: DocResult, rel: str) -> DocResult:
    """The result of the same bytes under another name (a renamed or copied file)."""
    old = result.rel_path
    if old == rel:
        return result
    result.rel_path = rel
    for ent in result.entities.values():
        if old in ent.docs:
            ent.docs.discard(old)
            ent.docs.add(rel)
    for f in getattr(result, "facts", ()):
        if f.doc == old:
            f.doc = rel
    return result


class EntityPart:
    """The entity part of a result: all the corpus merge reads of a document."""

    __slots__ = ("rel_path", "entities")

    def __init__(self, rel_path: str, entities: dict):
        self.rel_path, self.entities = rel_path, entities
