"""Known names from the lexicons."""

from __future__ import annotations

from typing import Iterator

from ..model import Span
from .context import Context
from .industry import industry_context
from .bodies import body_spans, street_spans
from .known import county_name_supported, known_spans


def gazetteer_spans(ctx: Context) -> Iterator[Span]:
    """Known names from the lexicons (regions, zones, industries, national bodies, user entries),
    and the names of the big lists (companies, universities, institutes) and county short forms
    where their context supports them (`known.known_spans`), and the bodies named after a division
    (`bodies.body_spans`: 青海省政协, 中共永修县委) and sub-district divisions (`bodies.street_spans`:
    樊口街道).

    Industry words are also ordinary words (文化, 医疗, 生物), so an industry hit needs an
    industry context unless it is a long, specific name (see `industry_context`)."""
    for sid in range(len(ctx.doc.sentences)):
        yield from known_spans(ctx, sid)
        yield from body_spans(ctx, sid)
        yield from street_spans(ctx, sid)
        for span in ctx.gaz_spans(sid):
            if span.type == "Region" and not _region_mention(ctx, sid, span):
                continue
            if span.type != "Industry" or span.priority >= 100:
                yield span
                continue
            verdict = industry_context(ctx, sid, span)
            if verdict:
                yield Span(span.start, span.end, span.text, span.type, f"{span.rule}.{verdict}",
                           span.priority, span.canonical, span.sid)


def _region_mention(ctx: Context, sid: int, span: Span) -> bool:
    """A region name is a mention of the region unless it is a county name that is an ordinary word
    and the document names no city or province of it (新城区 of 现代化新城区), a two-character name
    whose end is glued into the next word (德国 of 中德国际), or a page section (湖北 of 湖北新闻)."""
    text = ctx.text
    if span.name in ctx.lex.county_generic and not county_name_supported(ctx, span.name):
        return False
    if text.startswith(ctx.lex.words("region_not_before"), span.end):
        return False
    if span.end - span.start <= 2 and span.end < ctx.doc.sentences[sid].end:
        glued = ctx.token_at(sid, span.end + 1)   # the word the character after the name is in
        if glued is not None and span.start < glued[0] < span.end:
            return False
    return True
