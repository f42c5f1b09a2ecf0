"""Bodies named after a division: `[中共]<region>[level]<body>` for every division of regions.tsv and
every body word of bodies.tsv (甘肃省政协, 中共修水县委, 黄南州人大常委会, 江西省委党校, 宜兴市商务局),
recognised at match time rather than listed per region.

A body needs its division written right before it (bare 市委, 省政府 are not named bodies); a chain
of divisions belongs to the name (成都市武侯区人民政府); a coordination names a second body of the same
division (武侯区委区政府 -> 武侯区委, 武侯区政府). A party committee followed by its post (南昌市委书记)
is the post's qualifier, not a body named in the text, unless the text writes 中共 before it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Span
from .context import Context
from .known import known_spans

BODY_RULE = "gazetteer.body"
BODY_PRIORITY = 25
_MEMO = "body_spans"


@lru_cache(maxsize=8)
def _body_rx(words: tuple, levels: tuple) -> re.Pattern:
    alt = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    lv = "|".join(map(re.escape, sorted(levels, key=len, reverse=True)))
    return re.compile(f"(?P<level>{lv})?(?P<body>{alt})")


def body_spans(ctx: Context, sid: int) -> list[Span]:
    """The bodies named after a division in sentence `sid` (cached per document)."""
    memo = ctx.memo.setdefault(_MEMO, {})
    found = memo.get(sid)
    if found is None:
        found = memo[sid] = list(_find(ctx, sid))
    return found


def _find(ctx: Context, sid: int):
    lex, text = ctx.lex, ctx.text
    bodies = lex.bodies
    if not bodies:
        return
    places = [g for g in ctx.gaz_spans(sid) if g.type == "Region"]   # a body follows a full name or city
    if not places:
        return
    rx = _body_rx(tuple(bodies), lex.words("body_level"))
    starts = {g.end: g.start for g in places}
    for place in places:
        m = rx.match(text, place.end)
        if m is None or text.startswith(lex.words("body_not_before"), m.end()):
            continue
        start = place.start
        while start in starts and starts[start] < start and not _province(ctx, starts[start], start):
            start = starts[start]          # a chain of divisions: 成都市武侯区, but not 内蒙古 of 内蒙古X市政府
        party = lex.trigger("party_prefix")
        lead = next((p for p in party if text.startswith(p, start - len(p))), "")
        start -= len(lead)
        if _post_qualifier(ctx, sid, m, bool(lead)):
            continue
        yield Span(start, m.end(), text[start:m.end()], "Organization", BODY_RULE, priority=BODY_PRIORITY, sid=sid)
        second = rx.match(text, m.end())
        if second is not None and second.group("level") and place.text.endswith(second.group("level")):
            name = text[start:place.end] + second.group("body")   # 武侯区委区政府 -> 武侯区政府
            yield Span(m.end(), second.end(), second.group(0), "Organization", BODY_RULE, priority=BODY_PRIORITY,
                       canonical=name, sid=sid)


def region_spans(ctx: Context, sid: int) -> list[Span]:
    """The region names of a sentence: the core lexicon's, and the county short forms the document
    supports where they overlap none of those (共青城 inside 共青城市 is not a second name)."""
    regions = [g for g in ctx.gaz_spans(sid) if g.type == "Region"]
    return regions + [k for k in known_spans(ctx, sid) if k.type == "Region"
                      and not any(g.start < k.end and k.start < g.end for g in regions)]


def _province(ctx: Context, start: int, end: int) -> bool:
    """text[start:end] names a province-level division (or a country): a chain's head that a city's
    body is not named with (内蒙古包头市政府 is 包头市政府 of 内蒙古)."""
    entry = ctx.lex.lookup(ctx.text[start:end])
    return entry is not None and entry.type == "Region" and entry.level in ("province", "country")


def _post_qualifier(ctx: Context, sid: int, m: re.Match, lead: bool) -> bool:
    """南昌市委书记: a party committee right before a post qualifies the post; it is a body in its
    own right only written with 中共 (中共海南州州委常委)."""
    if lead or ctx.lex.bodies.get(m.group("body")) != "party" or len(m.group("body")) > 2:
        return False
    hit = ctx.affixes.posts.find(ctx.text, m.start(), min(ctx.doc.sentences[sid].end, m.end() + 6))[:1]
    return bool(hit) and hit[0][1] < m.end() <= hit[0][2] or (bool(hit) and hit[0][1] == m.end())


STREET_RULE = "gazetteer.street"


def street_spans(ctx: Context, sid: int) -> list[Span]:
    """Sub-district divisions `X街道` (樊口街道, 海淀街道): X is two to four characters right after a
    county or city name (鄂城区樊口街道), or one word that is a place name (海淀街道) or no word of the
    dictionary; not 各街道, 社区街道, 城市街道."""
    text = ctx.text
    sent = ctx.doc.sentences[sid]
    out = []
    for tail in ctx.lex.words("street_suffix"):
        pos = text.find(tail, sent.start, sent.end)
        ends = {g.end for g in ctx.gaz_spans(sid) if g.type == "Region"} if pos >= 0 else set()
        while pos >= 0:
            span = _street(ctx, sid, pos, tail, ends)
            if span is not None:
                out.append(span)
            pos = text.find(tail, pos + len(tail), sent.end)
    return out


def _street(ctx: Context, sid: int, pos: int, tail: str, ends: set) -> Span | None:
    text = ctx.text
    for n in (2, 3, 4):
        start = pos - n
        stem = text[start:pos]
        if start < ctx.doc.sentences[sid].start or not all("\u4e00" <= c <= "\u9fff" for c in stem):
            break
        if any(w in ctx.lex.generic_modifiers for w in (stem, stem[:1], stem[-1:])):
            break
        toks = [t for t in ctx.tokens(sid) if start <= t[0] < pos]
        one_word = len(toks) == 1 and toks[0][0] == start
        known = getattr(ctx.lex.lookup(stem) or ctx.lex.known_entry(stem), "type", "") == "Region"
        if start in ends or (one_word and (known or toks[0][3] == "oov")):
            return Span(start, pos + len(tail), stem + tail, "Region", STREET_RULE, priority=30, sid=sid)
    return None
