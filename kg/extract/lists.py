"""Enumerations with a head noun (`A、B、C等企业`) and bare lists (`A、B、C和D`)."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import ALL_KNOWN, Context, _is_name_char
from .industry import industry_items
from .stems import entry_free, generic_stem, strong_stem

_ENUM_SPLIT = re.compile(r"、")
_ENUM_LAST = re.compile(r"(?<=[\u4e00-\u9fff×]{2})(以及|及|和|与)")


def _enum_head(ctx: Context, sent_text: str, offset: int):
    """Enumeration heads `等企业`, `三大主导产业`, `为代表的企业` in a sentence: (head_start, head_end, etype)."""
    heads = ctx.affixes.enum_heads
    for m in ctx.affixes.enum_rx.finditer(sent_text):
        etype = heads[m.group(3)]
        modifier = m.group(2)
        # `等集成电路企业`: a sector word may sit between 等 and an enterprise head, nothing else
        if modifier and (m.group(1) != "等" or etype != "Enterprise"
                         or getattr(ctx.lex.lookup(modifier), "type", None) != "Industry"):
            continue
        yield offset + m.start(), offset + m.end(), etype


def enumeration_spans(ctx: Context) -> Iterator[Span]:
    """Items of `A、B、C等企业` / `A、B、C三大主导产业`: each item gets the head's type."""
    lex = ctx.lex
    for sid, sent in enumerate(ctx.doc.sentences):
        for head_start, head_end, etype in _enum_head(ctx, sent.text, sent.start):
            # the enumeration runs back from the head over items separated by 、
            seg_start = head_start
            while seg_start > sent.start and ctx.text[seg_start - 1] not in ",。;:!?()“”":
                seg_start -= 1
            segment = ctx.text[seg_start:head_start]
            if "、" not in segment and etype != "Industry":
                continue
            pieces = []
            pos = seg_start
            for m in _ENUM_SPLIT.finditer(segment):
                pieces.append((pos, seg_start + m.start()))
                pos = seg_start + m.end()
            m = _ENUM_LAST.search(ctx.text, pos, head_start)
            if m and pieces:
                pieces.append((pos, m.start()))
                pos = m.end()
            pieces.append((pos, head_start))
            if len(pieces) < 2 and etype != "Industry":
                continue
            # the first item's left edge: name-like words before the first separator
            first_s, first_e = pieces[0]
            pieces[0] = (ctx.extend_left(sid, first_e, floor=first_s, known=ALL_KNOWN), first_e)
            pieces = [_trim(ctx.text, s, e) for s, e in pieces]
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
                yield Span(s, e, name, etype, f"enum.{etype.lower()}", priority=35, sid=sid)


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
    lex, text = ctx.lex, ctx.text
    for sid, sent in enumerate(ctx.doc.sentences):
        if sent.text.count("、") < 2:
            continue
        for run in re.finditer(r"[^,。;:!?()“”《》]+", sent.text):
            seg_s, seg_e = sent.start + run.start(), sent.start + run.end()
            if text.count("、", seg_s, seg_e) < 2:
                continue
            cuts = [m.start() for m in re.finditer("、", text[seg_s:seg_e])]
            first_e = seg_s + cuts[0]
            pieces = [(ctx.extend_left(sid, first_e, floor=seg_s, known=ALL_KNOWN), first_e)]
            for a, b in zip(cuts, cuts[1:]):
                pieces.append((seg_s + a + 1, seg_s + b))
            last_s = seg_s + cuts[-1] + 1
            m = re.match(r"[\u4e00-\u9fff×A-Za-z0-9()]{2,12}?(?=和|与|及|等|$|[0-9一二三四五六七八九十]+个|,)",
                         text[last_s:seg_e])
            if not m:
                continue
            pieces.append((last_s, last_s + m.end()))
            rest = last_s + m.end()
            m2 = re.match(r"(和|与|及)([\u4e00-\u9fff×]{2,12}?)(?=等|[0-9一二三四五六七八九十]+个|$|的)", text[rest:seg_e])
            if m2:
                pieces.append((rest + m2.start(2), rest + m2.end(2)))
            typed = []
            for s, e in pieces:
                name = text[s:e]
                etype = None
                entry = lex.lookup(name)
                if entry is not None:
                    etype = entry.type
                elif not re.search(r"(?<=.)[及和与]", name):
                    for k in ctx.affixes.suffix_lengths:
                        info = ctx.affixes.suffix_info.get(name[-k:]) if len(name) > k else None
                        if info is not None and not generic_stem(lex, name[:-k]) and (
                                info[1] or strong_stem(ctx, sid, s, e - k)):
                            etype = info[0]
                            break
                typed.append((s, e, name, etype))
            n_ent = sum(1 for *_, lab in typed if lab == "Enterprise")
            n_ind = sum(1 for *_, name, lab in typed if (lab == "Industry" and len(name) >= 3) or (
                lab is None and name.endswith(ctx.affixes.industry_heads)))
            if n_ind >= 2 and n_ind * 2 >= len(typed):
                for s, e, name, etype in typed:
                    if etype in (None, "Industry") and not any(c in name for c in "的是有在了把被对将"):
                        yield from industry_items(ctx, sid, s, e, "list.industry", allow_unknown=True)
                continue
            for s, e, name, etype in typed:
                if e - s < 2 or not all(_is_name_char(c) or c in "()" for c in name):
                    continue
                if etype in ("Enterprise", "Organization") and entry_free(lex, name):
                    yield Span(s, e, name, etype, f"list.{etype.lower()}", priority=17, sid=sid)
                elif etype is None and n_ent >= 2 and e - s <= 8 and entry_free(lex, name):
                    yield Span(s, e, name, "Enterprise", "list.propagate", priority=12, sid=sid)
