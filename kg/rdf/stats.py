"""Counts of what a built graph holds, by class and by relation (via pyoxigraph: fast on big graphs)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .formats import rdf_format
from .vocab import ENTITY_CLASSES, NS, RELATIONS


def graph_stats(path) -> dict:
    import pyoxigraph as ox

    p = Path(path)
    if not p.is_file():
        raise InputError(path, "no such file")
    store = ox.Store()
    fmt = rdf_format(p)
    try:
        with open(p, "rb") as fh:
            store.load(fh, format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(path, f"not valid {fmt.name}: {exc}") from None

    def count(q: str) -> int:
        return int(next(iter(store.query(q)))[0].value)

    classes = {c: count(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{NS}{c}> }}") for c in ENTITY_CLASSES}
    relations = {r: count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{NS}{r}> ?o }}") for r in RELATIONS}
    return {
        "classes": classes,
        "relations": relations,
        "documents": count(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{NS}Document> }}"),
        "evidence": count(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{NS}Evidence> }}"),
        "triples": len(store),
    }
