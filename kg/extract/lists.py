"""Enumerations with a head noun (`A、B、C等企业`) and bare lists (`A、B、C和D`)."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import ALL_KNOWN, Context, _is_name_char
from .industry import industry_items
from .known import known_at
from .stems import entry_free, generic_stem, strong_stem
from .suffix import after_place, unit_of_company

_ENUM_SPLIT = re.compile(r"、")
_SEGMENT = re.compile(r"[^,。;:!?()“”《》]+")


def _enum_head(ctx: Context, sent_text: str, offset: int):
    """Enumeration heads `等企业`, `三大主导产业`, `为代表的企业`, `等30余家前沿科技企业` in a sentence:
    (head_start, head_end, etype); of two heads at one place the longer (等行业领军企业, not 等行业)."""
    heads = ctx.affixes.enum_heads
    found: dict[int, tuple[int, str]] = {}
    for m in ctx.affixes.enum_rx.finditer(sent_text):
        etype = heads[m.group(3)]
        modifier = m.group(2)
        # `等集成电路企业`: a sector word may sit between 等 and an enterprise head, nothing else
        if modifier and (m.group(1) not in ctx.lex.words("enum_etc") or etype != "Enterprise"
                         or getattr(ctx.lex.lookup(modifier), "type", None) != "Industry"):
            continue
        found[m.start()] = (m.end(), etype)
    for m in ctx.lex.pattern("enum.company_head").finditer(sent_text):
        if m.end() > found.get(m.start(), (0, ""))[0] and _describes_companies(ctx, m.group(3)):
            found[m.start()] = (m.end(), "Enterprise")
    for start, (end, etype) in sorted(found.items()):
        yield offset + start, offset + end, etype


def _describes_companies(ctx: Context, words: str) -> bool:
    """The description in `等N家<description>企业` (前沿科技, 香港知名品牌, 国资) is made of nouns,
    places and generic modifiers: no policy verb, preposition, pronoun or particle (等支持企业发展)."""
    verbs = ctx.lex.words("verb")
    for word, tag in ctx.segment(words):
        if tag[0] in "pcurdy" or word in verbs:
            return False
        if word in ctx.lex.generic_modifiers or getattr(ctx.lex.lookup(word), "type", "") in ("Region", "Industry"):
            continue
        if tag[0] == "v" and tag != "vn" and len(words) <= len(word):
            return False
    return True


def enumeration_spans(ctx: Context) -> Iterator[Span]:
    """Items of `A、B、C等企业` / `A、B、C三大主导产业`: each item gets the head's type."""
    lex = ctx.lex
    for sid, sent in enumerate(ctx.doc.sentences):
        for head_start, _head_end, etype in _enum_head(ctx, sent.text, sent.start):
            pieces = _enum_pieces(ctx, sid, sent.start, head_start, etype)
            if not pieces:
                continue
            known = sum(1 for s, e in pieces if (en := lex.lookup(ctx.text[s:e])) is not None and en.type == etype)
            for s, e in pieces:
                if e - s < 2 or e - s > 16:
                    continue
                name = ctx.text[s:e]
                if etype == "Industry":
                    yield from industry_items(ctx, sid, s, e, "enum.industry", allow_unknown=known > 0)
                    continue
                if generic_stem(lex, name) or lex.is_generic(name) or name in lex.suppressed:
                    continue
                if name in ctx.affixes.suffix_info:
                    continue   # a bare type word (药业 of a list whose first name was cut) is no name
                if etype == "Enterprise" and not _firm_like(ctx, sid, s, e):
                    continue  # 化工、电力等传统企业; 总部型、龙头型等平台企业: sectors and kinds, not firms
                yield Span(s, e, name, etype, f"enum.{etype.lower()}", priority=35, sid=sid)


def _firm_like(ctx: Context, sid: int, s: int, e: int) -> bool:
    """An item of an enterprise enumeration that may be a firm: not an industry term of the lexicon
    (化工) and not a kind ending in a suffix morpheme (龙头型, 总部型)."""
    entry = ctx.lex.lookup(ctx.text[s:e])
    if entry is not None and entry.type == "Industry":
        return False
    last = ctx.token_at(sid, e)
    return last is None or last[1] != e or last[3] != "k"


def _enum_pieces(ctx: Context, sid: int, sent_start: int, head_start: int, etype: str) -> list[tuple[int, int]]:
    """The items of the enumeration that runs back from a head over items separated by 、 (and a
    last conjunction); [] when it is not one."""
    seg_start = head_start
    while seg_start > sent_start and ctx.text[seg_start - 1] not in ",。;:!?()“”":
        seg_start -= 1
    segment = ctx.text[seg_start:head_start]
    if "、" not in segment and etype != "Industry":
        return []
    pieces = []
    pos = seg_start
    for m in _ENUM_SPLIT.finditer(segment):
        pieces.append((pos, seg_start + m.start()))
        pos = seg_start + m.end()
    m = ctx.lex.pattern("enum.last").search(ctx.text, pos, head_start)
    if m and pieces:
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, head_start))
    if len(pieces) < 2 and etype != "Industry":
        return []
    # the first item's left edge: name-like words before the first separator
    first_s, first_e = pieces[0]
    pieces[0] = (ctx.extend_left(sid, first_e, floor=first_s, known=ALL_KNOWN), first_e)
    return [_trim(ctx.text, s, e) for s, e in pieces]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " 、,":
        s += 1
    while e > s and text[e - 1] in " 、,":
        e -= 1
    return s, e


def list_spans(ctx: Context) -> Iterator[Span]:
    """Bare lists `A、B、C和D` without a head noun: items ending in a type suffix (any strength,
    the list fixes their edges) get that type; if two or more items are enterprises, the
    untyped name-like items of the list are enterprises too."""
    text = ctx.text
    for sid, sent in enumerate(ctx.doc.sentences):
        if sent.text.count("、") < 2:
            continue
        for run in _SEGMENT.finditer(sent.text):
            seg_s, seg_e = sent.start + run.start(), sent.start + run.end()
            if text.count("、", seg_s, seg_e) < 2:
                continue
            pieces = _list_pieces(ctx, sid, seg_s, seg_e)
            if pieces:
                yield from _list_items(ctx, sid, [_typed(ctx, sid, s, e) for s, e in pieces])


def _list_pieces(ctx: Context, sid: int, seg_s: int, seg_e: int) -> list[tuple[int, int]]:
    """The items of a bare list in text[seg_s:seg_e]: the first from the name-like words before the
    first 、, the last up to a conjunction, 等 or a count, and one more after 和/与/及."""
    text, lex = ctx.text, ctx.lex
    cuts = [m.start() for m in _ENUM_SPLIT.finditer(text, seg_s, seg_e)]
    cuts = [c - seg_s for c in cuts]
    first_e = seg_s + cuts[0]
    pieces = [(ctx.extend_left(sid, first_e, floor=seg_s, known=ALL_KNOWN), first_e)]
    for a, b in zip(cuts, cuts[1:]):
        pieces.append((seg_s + a + 1, seg_s + b))
    last_s = seg_s + cuts[-1] + 1
    m = lex.pattern("list.last_item").match(text[last_s:seg_e])
    if not m:
        return []
    pieces.append((last_s, last_s + m.end()))
    rest = last_s + m.end()
    m2 = lex.pattern("list.tail_item").match(text[rest:seg_e])
    if m2:
        pieces.append((rest + m2.start(2), rest + m2.end(2)))
    return pieces


def _typed(ctx: Context, sid: int, s: int, e: int) -> tuple[int, int, str, str | None]:
    """A list item with the type the lexicon or its suffix gives it (None: untyped)."""
    lex = ctx.lex
    name = ctx.text[s:e]
    entry = lex.lookup(name)
    if entry is not None:
        return s, e, name, entry.type
    listed = known_at(ctx, sid, s, e)
    if listed is not None and listed.type != "Region":
        return s, e, name, listed.type   # a listed company or school (科大讯飞, 北大)
    if lex.pattern("list.inner_conjunction").search(name):
        return s, e, name, None
    for k in ctx.affixes.suffix_lengths:
        info = ctx.affixes.suffix_info.get(name[-k:]) if len(name) > k else None
        if info is not None and name.endswith(lex.words("suffix_word")):
            return s, e, name, None   # 新格局: an ordinary word that ends like a name
        if info is not None and not generic_stem(lex, name[:-k]) and (info[1] or strong_stem(ctx, sid, s, e - k)):
            if name[-k:] in ctx.affixes.business_units and not unit_of_company(ctx, sid, s, e - k, e):
                return s, e, name, None   # 智慧城市运营中心: no company's unit
            if name[-k:] in lex.words("place_body") and not after_place(ctx, sid, e - k, e):
                return s, e, name, None   # 数字政府: no division's government
            return s, e, name, info[0]
    return s, e, name, None


def _list_items(ctx: Context, sid: int, typed: list) -> Iterator[Span]:
    """Spans for the typed items of one bare list: a list of industries, or enterprises and bodies."""
    lex = ctx.lex
    n_ind = sum(1 for *_, name, lab in typed if (lab == "Industry" and len(name) >= 3) or (
        lab is None and name.endswith(ctx.affixes.industry_heads)))
    if n_ind >= 2 and n_ind * 2 >= len(typed):
        yield from _list_industries(ctx, sid, typed)
        return
    n_ent = sum(1 for *_, lab in typed if lab == "Enterprise")
    for s, e, name, etype in typed:
        if e - s < 2 or not all(_is_name_char(c) or c in "()" for c in name):
            continue
        if etype in ("Enterprise", "Organization") and entry_free(lex, name):
            yield Span(s, e, name, etype, f"list.{etype.lower()}", priority=17, sid=sid)
        elif etype is None and n_ent >= 2 and e - s <= 8 and entry_free(lex, name):
            yield Span(s, e, name, "Enterprise", "list.propagate", priority=12, sid=sid)


def _list_industries(ctx: Context, sid: int, typed: list) -> Iterator[Span]:
    """A bare list that is mostly industries: its untyped and industry items are industries."""
    clause_chars = ctx.lex.words("clause_char")
    for s, e, name, etype in typed:
        if etype in (None, "Industry") and not any(c in name for c in clause_chars):
            yield from industry_items(ctx, sid, s, e, "list.industry", allow_unknown=True)
