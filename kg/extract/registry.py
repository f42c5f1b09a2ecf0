"""The one place where entity extractors and the steps after them are registered, with what each
step requires and assigns, and the runner that applies them.

Like rdflib's plugin map, each step is named by `module:function` inside `kg.extract` and
imported only when first used. Like spaCy's `requires=`/`assigns=`, each entry says which parts
of the document's state it reads and which it sets; the order is checked once, when the steps are
first used (`check_order`): a step that requires something no earlier step assigns is an error.
Rule ids of the spans an extractor yields start with its name. Matching stays in the
extractors; the one overlap policy (`nested.settle_spans`) is a step of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import Callable, Iterable, Iterator

from ..model import Span


@dataclass(frozen=True)
class Step:
    """A registered step: `module:function`, the state it reads and the state it sets."""

    target: str
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


class OrderError(ValueError):
    """A registered step requires something that no earlier step assigns."""


# What a Document holds when extraction starts (kg.ingest): text, sentences, the title and the
# metadata its lines give (date, source, authors from a byline or a news lead). The authors are
# complete only after the speaker step (a speech's `POST NAME` line names its author).
INGEST = ("doc.text", "doc.sentences", "doc.metadata.title", "doc.metadata.lines")

_SENTENCES = ("doc.text", "doc.sentences")

# name -> step in kg.extract, in the order they run; each yields candidate spans
EXTRACTORS: dict[str, Step] = {
    "gazetteer": Step("gazetteer:gazetteer_spans", _SENTENCES, ("candidates",)),
    "suffix": Step("suffix:suffix_spans", _SENTENCES, ("candidates",)),
    "enum": Step("lists:enumeration_spans", _SENTENCES, ("candidates",)),
    "industry": Step("industry:industry_spans", _SENTENCES, ("candidates",)),
    "official": Step("official:official_spans", _SENTENCES, ("candidates",)),
    "ref": Step("ref:focal_zone_references", _SENTENCES, ("candidates",)),
    "list": Step("lists:list_spans", _SENTENCES, ("candidates",)),
}

# name -> step in kg.extract, run after the extractors, in this order: `function(ctx, spans)`
# returns the new span list, or None when the step only sets document state
STEPS: dict[str, Step] = {
    "settle": Step("nested:settle_spans", ("candidates",), ("spans",)),
    "speaker": Step("official:speaker", ("spans", "doc.sentences", "doc.metadata.lines"),
                    ("doc.metadata.speaker", "doc.metadata.authors")),
}


def check_order(steps: dict[str, Step], available: Iterable[str], what: str) -> set[str]:
    """Walk the steps in order: each may require only what is available at the start or what an
    earlier step assigns. Returns everything available after the last step; OrderError otherwise."""
    have = set(available)
    for name, step in steps.items():
        missing = [r for r in step.requires if r not in have]
        if missing:
            raise OrderError(f"{what} {name!r} requires {', '.join(missing)}, which no earlier step assigns")
        have.update(step.assigns)
    return have


@lru_cache(maxsize=1)
def provides() -> frozenset:
    """What ingest and extraction give the later stages (checks the extraction order once)."""
    have = check_order(EXTRACTORS, INGEST, "extractor")
    return frozenset(check_order(STEPS, have, "extraction step"))


def _load(table: dict[str, Step], name: str, what: str) -> Callable:
    try:
        target = table[name].target
    except KeyError:
        raise KeyError(f"no {what} {name!r}; known: {', '.join(table)}") from None
    module, _, attr = target.partition(":")
    return getattr(import_module(f"{__package__}.{module}"), attr)


@lru_cache(maxsize=None)
def get(name: str) -> Callable[..., Iterator[Span]]:
    """The extractor registered under `name` (KeyError names the known ones)."""
    return _load(EXTRACTORS, name, "extractor")


@lru_cache(maxsize=None)
def get_step(name: str) -> Callable:
    """The extraction step registered under `name` (KeyError names the known ones)."""
    return _load(STEPS, name, "extraction step")


def extract(ctx, names: Iterable[str] | None = None) -> list[Span]:
    """Run the registered extractors (all, or those named), then the steps after them: the
    overlap policy with the names inside and repeated names, and the speaker of a speech."""
    provides()
    wanted = None if names is None else set(names)
    spans: list[Span] = []
    for name in EXTRACTORS:
        if wanted is None or name in wanted:
            spans.extend(get(name)(ctx))
    for name in STEPS:
        found = get_step(name)(ctx, spans)
        if found is not None:
            spans = found
    return spans
