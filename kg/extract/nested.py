"""Names inside kept names, and names repeated elsewhere in the same document."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import Context
from .match import Gazetteer
from .stems import entry_free, generic_stem, strong_stem

_LEGAL = re.compile(r"(集团有限公司|股份有限公司|有限责任公司|有限公司|集团公司|公司)$")
_DESCRIPTOR = re.compile(r"(新技术|高新技术|科技|技术|实业|发展|投资|控股|新材料|材料|制药|药业|能源|新能源)$")


def company_core(ctx: Context, name: str) -> str | None:
    """The short name a company goes by: its full name without the legal form, the place and
    the trade (兰州科近泰基新技术有限责任公司 -> 科近泰基, 百林科(兰州)新材料有限公司 -> 百林科)."""
    core = _LEGAL.sub("", name)
    if core == name:
        return None
    core = re.sub(r"\([^)]{1,8}\)", "", core)
    for _ in range(2):
        entry = ctx.lex.lookup(core[:3]) or ctx.lex.lookup(core[:2])
        head = core[:3] if ctx.lex.lookup(core[:3]) else core[:2]
        if entry is not None and entry.type == "Region" and len(core) - len(head) >= 2:
            core = core[len(head):]
    core = _DESCRIPTOR.sub("", core)
    if len(core) < 2 or len(core) > 6 or generic_stem(ctx.lex, core) or ctx.lex.lookup(core) is not None:
        return None
    return core


def repeated_names(ctx: Context, kept: list[Span]) -> Iterator[Span]:
    """One sense per discourse: a name found once (by any rule) is the same entity wherever
    else the document writes it, even where no rule would have found it."""
    names: dict[str, str] = {}
    for span in kept:
        if span.type in ("Enterprise", "Organization", "Zone", "Project") and len(span.text) >= 2 and (
                not span.rule.startswith(("ref.", "gazetteer."))):
            names.setdefault(span.text, span.type)
    for span in kept:
        if span.type == "Enterprise":
            core = company_core(ctx, span.text)
            if core and core != span.text:
                names.setdefault(core, "Enterprise")
    if not names:
        return
    gaz = Gazetteer(names)
    for sid, sent in enumerate(ctx.doc.sentences):
        for surface, s, e in gaz.find(ctx.text, sent.start, sent.end):
            if len(surface) <= 2 and not ctx._token_aligned(sid, s):
                continue
            yield Span(s, e, surface, names[surface], "doc.repeat", priority=5, sid=sid)


_OWNER_CUT = re.compile(r"第?\d|第[一二三四五六七八九十]+[代期批]|[一二三四五六七八九]期|×|数据中心|产业园|基地|中心|项目")


def nested_spans(ctx: Context, kept: list[Span]) -> Iterator[Span]:
    """Names inside names: the owner of a project named `<company><industry|二期>`
    (中农威特二期, 原子高科同位素项目), the industries a project or zone is named after, and the
    group of a group's subsidiary (兰州新区科文旅集团数投公司 -> 兰州新区科文旅集团)."""
    lex, text = ctx.lex, ctx.text
    for span in kept:
        if span.type == "Project":
            inner = [h for h in ctx.affixes.suffixes.find(text, span.start, span.end)
                     if ctx.affixes.suffix_info[h[0]][0] == "Zone" and h[2] < span.end - 1]
            if inner:
                zs, ze = span.start, inner[-1][2]
                if ze - zs > len(inner[-1][0]) and strong_stem(ctx, span.sid, zs, inner[-1][1]):
                    yield Span(zs, ze, text[zs:ze], "Zone", "nested.project_zone", 10, sid=span.sid)
            inds = [g for g in ctx.gaz_spans(span.sid) if g.type == "Industry" and span.start <= g.start and g.end <= span.end]
            for g in inds:
                if g.end - g.start < 3:
                    continue
                yield Span(g.start, g.end, g.text, "Industry", "nested.project_industry", g.priority, g.canonical, span.sid)
            cut = _OWNER_CUT.search(text, span.start, span.end)
            end = min([cut.start()] if cut else [span.end] + [g.start for g in inds]) if (cut or inds) else None
            if inds and cut:
                end = min(cut.start(), inds[0].start)
            elif inds:
                end = inds[0].start
            org = re.match(r"^[\u4e00-\u9fff×]{1,8}?(科学院|研究院|研究所|大学)", text[span.start:span.end])
            if org and org.end() < span.end - span.start:
                yield Span(span.start, span.start + org.end(), org.group(), "Organization", "nested.project_org", 10,
                           sid=span.sid)
                continue
            if end is None or not 2 <= end - span.start <= 6:
                continue
            owner = text[span.start:end]
            if any(g.start < end and span.start < g.end and (g.type == "Zone" or (g.type == "Region" and g.end >= end))
                   for g in ctx.gaz_spans(span.sid)):
                continue
            if (entry_free(lex, owner) and lex.lookup(owner) is None and strong_stem(ctx, span.sid, span.start, end)
                    and not any(c in owner for c in "“”\"()") and not re.search(r"园区|新区|高新区|园|区", owner)):
                yield Span(span.start, end, owner, "Enterprise", "nested.project_owner", 10, sid=span.sid)
        elif span.type == "Enterprise":
            i = span.text.find("集团")
            if 2 <= i and i + 2 < len(span.text):
                yield Span(span.start, span.start + i + 2, span.text[:i + 2], "Enterprise", "nested.group", 10, sid=span.sid)
