"""Bare references to the document's focal zone (`新区`, `我区`, `高新区`)."""

from __future__ import annotations

from typing import Iterator

from ..model import Span
from .context import Context


def focal_zone_references(ctx: Context) -> Iterator[Span]:
    """Bare `新区` / `我区` / `高新区` (triggers.tsv zone_ref): references to the document's focal
    zone, resolved later (kg.resolve)."""
    pattern, rule = ctx.lex.pattern("ref.focal_zone"), ctx.lex.rule("ref.focal_zone")
    for sid, sent in enumerate(ctx.doc.sentences):
        for m in pattern.finditer(ctx.text, sent.start, sent.end):
            yield Span(m.start(), m.end(), m.group(), "Zone", rule, priority=1, sid=sid)
