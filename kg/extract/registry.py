"""The one place where entity extractors are registered, and the runner that applies them.

Like rdflib's plugin map, each extractor is named by `module:function` inside `kg.extract` and
imported only when first used. Rule ids of the spans an extractor yields start with its name.
Matching stays in the extractors; the one overlap policy (`match.filter_spans`) is applied here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import Callable, Iterable, Iterator

from ..model import Span
from .match import filter_spans

# name -> "module:function" in kg.extract, in the order they run
EXTRACTORS: dict[str, str] = {
    "gazetteer": "gazetteer:gazetteer_spans",
    "suffix": "suffix:suffix_spans",
    "enum": "lists:enumeration_spans",
    "industry": "industry:industry_spans",
    "official": "official:official_spans",
    "ref": "ref:focal_zone_references",
    "list": "lists:list_spans",
}


@lru_cache(maxsize=None)
def get(name: str) -> Callable[..., Iterator[Span]]:
    """The extractor registered under `name` (KeyError names the known ones)."""
    try:
        target = EXTRACTORS[name]
    except KeyError:
        raise KeyError(f"no extractor {name!r}; known: {', '.join(EXTRACTORS)}") from None
    module, _, attr = target.partition(":")
    return getattr(import_module(f"{__package__}.{module}"), attr)


def extract(ctx, names: Iterable[str] | None = None) -> list[Span]:
    """Run the registered extractors, apply the overlap policy, then add the parts that a
    kept name is made of (`nested_spans`) and the names the document repeats."""
    from .nested import nested_spans, repeated_names

    wanted = None if names is None else set(names)
    spans: list[Span] = []
    for name in EXTRACTORS:
        if wanted is None or name in wanted:
            spans.extend(get(name)(ctx))
    kept = filter_spans(spans)
    nested = list(nested_spans(ctx, kept))
    kept = filter_spans(kept + list(repeated_names(ctx, kept + nested)))
    return sorted(kept + list(nested_spans(ctx, kept)), key=lambda s: (s.start, s.end, s.type))
