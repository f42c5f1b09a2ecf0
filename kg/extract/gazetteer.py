"""Known names from the lexicons."""

from __future__ import annotations

from typing import Iterator

from ..model import Span
from .context import Context
from .industry import industry_context
from .bodies import body_spans
from .known import known_spans


def gazetteer_spans(ctx: Context) -> Iterator[Span]:
    """Known names from the lexicons (regions, zones, industries, national bodies, user entries),
    and the names of the big lists (companies, universities, institutes) and county short forms
    where their context supports them (`known.known_spans`), and the bodies named after a division
    (`bodies.body_spans`: 青海省政协, 中共永修县委).

    Industry words are also ordinary words (文化, 医疗, 生物), so an industry hit needs an
    industry context unless it is a long, specific name (see `industry_context`)."""
    for sid in range(len(ctx.doc.sentences)):
        yield from known_spans(ctx, sid)
        yield from body_spans(ctx, sid)
        for span in ctx.gaz_spans(sid):
            if span.type != "Industry" or span.priority >= 100:
                yield span
                continue
            verdict = industry_context(ctx, sid, span)
            if verdict:
                yield Span(span.start, span.end, span.text, span.type, f"{span.rule}.{verdict}",
                           span.priority, span.canonical, span.sid)
