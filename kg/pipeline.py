"""The build: paths -> documents -> spans -> entities and facts -> graph, one document at a time.

`build()` is the one entry point the CLI, the tests and parallel runners call. Per-document
work (`process_document`) is pure and picklable in and out, so it can run anywhere; the
corpus-level merge and the Turtle writer run once at the end.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import InputError, KgError
from .resolve import DocResult
from .vocab import DEFAULT_BASE

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)


@dataclass
class BuildReport:
    documents: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    entities: int = 0
    relations: int = 0
    triples: int = 0
    output: str = ""
    by_class: dict = field(default_factory=dict)


def discover(paths: Iterable) -> list[tuple[Path, str]]:
    """Text files under the given files and folders, as (path, stable relative name), sorted."""
    found: dict[str, Path] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES and not f.name.startswith("."):
                    found.setdefault(f"{p.resolve().name}/{f.relative_to(p).as_posix()}", f)
        elif p.exists():
            found.setdefault(p.name, p)
        else:
            raise InputError(p, "no such file or directory")
    return [(found[k], k) for k in sorted(found)]


@lru_cache(maxsize=4)
def resources(lexicons: tuple = ()):
    """Lexicon, gazetteer and affix automata, built once per set of user lexicons."""
    from .extract import Affixes
    from .lexicon import load
    from .match import Gazetteer

    lex = load(lexicons)
    return lex, Gazetteer(lex.surfaces), Affixes(lex)


def process_document(doc, lexicons: tuple = ()) -> DocResult:
    """One Document -> its entities and facts (no corpus-level state)."""
    from .extract import Context, extract
    from .relations import RelContext, relate
    from .resolve import DocResolver

    lex, gaz, aff = resources(lexicons)
    ctx = Context(doc, lex, gaz, aff)
    spans = extract(ctx)
    _speaker(doc, spans)
    resolver = DocResolver(doc, spans, lex)
    result = resolver.resolve()
    result.facts = relate(RelContext(ctx, resolver))
    result.metadata = dict(doc.metadata)
    return result


def _speaker(doc, spans) -> None:
    """A line that is only `POST NAME` before the body is the speaker of a speech."""
    for s in spans:
        if s.label == "Official" and s.sid < 8:
            sent = doc.sentences[s.sid]
            if s.end == sent.end and len(sent.text) <= 30:
                doc.metadata.setdefault("speaker", s.text)
                doc.metadata.setdefault("authors", [s.text])
                return


def process_path(path, rel: str, lexicons: tuple = ()) -> DocResult:
    from .ingest import read_document

    doc = read_document(path)
    doc.rel_path = rel
    return process_document(doc, lexicons)


def iter_results(files, lexicons: tuple, on_error: Callable, progress: Callable | None = None) -> Iterator[DocResult]:
    for i, (path, rel) in enumerate(files, 1):
        try:
            yield process_path(path, rel, lexicons)
        except KgError as exc:
            on_error(str(path), str(exc))
        if progress:
            progress(i, len(files), rel)


def graph_turtle(results: list[DocResult], *, base: str = DEFAULT_BASE, lexicons: tuple = ()) -> tuple[str, dict]:
    """Merge per-document results and serialise the corpus graph as Turtle."""
    from .graph import GraphBuilder
    from .resolve import merge

    lex = resources(lexicons)[0]
    entities, facts = merge(results)
    gb = GraphBuilder(base)
    gb.add_documents([{"rel_path": r.rel_path, "sha256": r.sha256, "encoding": r.encoding, "script": r.script,
                       "metadata": r.metadata} for r in results])
    gb.add_entities(entities, {e.name: e.kind for e in lex.industries_by_id.values()})
    n_rel = gb.add_facts(entities, facts)
    by_class: dict = {}
    for e in entities.values():
        by_class[e.label] = by_class.get(e.label, 0) + 1
    return gb.turtle(), {"entities": len(entities), "relations": n_rel, "triples": len(gb), "by_class": by_class}


def build(paths: Iterable, out_dir="output", *, base: str = DEFAULT_BASE, lexicons: Iterable = (),
          strict: bool = False, progress: Callable | None = None, filename: str = "graph.ttl") -> BuildReport:
    """Build the graph of all text files under `paths` into `out_dir/graph.ttl` (atomically).

    A document that cannot be read is reported in `BuildReport.failed` and skipped; with
    `strict=True` the first failure raises instead. Nothing is written if no document succeeds.
    """
    from .fsutil import atomic_write_text

    lexicons = tuple(str(p) for p in lexicons)
    resources(lexicons)  # load lexicons first: a bad lexicon fails before any work
    files = discover(paths)
    if not files:
        raise InputError(", ".join(map(str, paths)), "no .txt files found")
    report = BuildReport()

    def on_error(path, message):
        if strict:
            raise InputError(path, message.split(": ", 1)[-1])
        log.warning("skipped %s", message)
        report.failed.append((path, message))

    results = list(iter_results(files, lexicons, on_error, progress))
    if not results:
        raise InputError(", ".join(map(str, paths)), "no document could be read")
    ttl, stats = graph_turtle(results, base=base, lexicons=lexicons)
    out = Path(out_dir) / filename
    atomic_write_text(out, ttl)
    report.documents = len(results)
    report.entities, report.relations, report.triples = stats["entities"], stats["relations"], stats["triples"]
    report.by_class = stats["by_class"]
    report.output = str(out)
    return report
