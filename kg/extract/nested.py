"""Names inside kept names, and names repeated elsewhere in the same document."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import Context
from .match import Gazetteer, filter_spans
from .stems import entry_free, generic_stem, strong_stem
from .suffix import zones_inside



def settle_spans(ctx: Context, candidates: list[Span]) -> list[Span]:
    """The overlap policy (`match.filter_spans`) over the candidates, then the parts that a kept
    name is made of (`nested_spans`) and the names the document repeats (`repeated_names`)."""
    kept = filter_spans(candidates)
    nested = list(nested_spans(ctx, kept))
    kept = filter_spans(kept + list(repeated_names(ctx, kept + nested)))
    return sorted(kept + list(nested_spans(ctx, kept)), key=lambda s: (s.start, s.end, s.type))


def company_core(ctx: Context, name: str) -> str | None:
    """The short name a company goes by: its full name without the legal form, the place and
    the trade (兰州科近泰基新技术有限责任公司 -> 科近泰基, 百林科(兰州)新材料有限公司 -> 百林科)."""
    core = ctx.lex.pattern("company.legal_form").sub("", name)
    if core == name:
        return None
    core = re.sub(r"\([^)]{1,8}\)", "", core)
    for _ in range(2):
        entry = ctx.lex.lookup(core[:3]) or ctx.lex.lookup(core[:2])
        head = core[:3] if ctx.lex.lookup(core[:3]) else core[:2]
        if entry is not None and entry.type == "Region" and len(core) - len(head) >= 2:
            core = core[len(head):]
    core = ctx.lex.pattern("company.trade").sub("", core)
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


def nested_spans(ctx: Context, kept: list[Span]) -> Iterator[Span]:
    """Names inside names: the owner of a project named `<company><industry|二期>`
    (中农威特二期, 原子高科同位素项目), the industries a project or zone is named after, and the
    group of a group's subsidiary (兰州新区科文旅集团数投公司 -> 兰州新区科文旅集团)."""
    firms = tuple({s.text for s in kept if s.type == "Enterprise" and not s.rule.startswith("nested.")})
    for span in kept:
        if span.type == "Project":
            yield from _project_parts(ctx, span, firms)
        elif span.type == "Enterprise":
            yield from _group_of(ctx, span)
        elif span.type in ("Organization", "Zone"):
            yield from zones_inside(ctx, span)


def _project_parts(ctx: Context, span: Span, firms: tuple = ()) -> Iterator[Span]:
    """The zone, the industries and the owner (a company or an academy) a project is named after;
    the industries only when a company the document names owns it (铠欣半导体材料研发 of an
    unnamed firm is no industry the text develops)."""
    text = ctx.text
    inner = [h for h in ctx.affixes.suffixes.find(text, span.start, span.end)
             if ctx.affixes.suffix_info[h[0]][0] == "Zone" and h[2] < span.end - 1
             and h[0] not in ctx.lex.words("zone_part")]
    if inner:
        zs, ze = span.start, inner[-1][2]
        if (ze - zs > len(inner[-1][0]) and strong_stem(ctx, span.sid, zs, inner[-1][1]) and "(" not in text[zs:ze]
                and not ctx.lex.pattern("project.zone_rest").fullmatch(text, ze, span.end)):
            yield Span(zs, ze, text[zs:ze], "Zone", "nested.project_zone", 10, sid=span.sid)
    inds = [g for g in ctx.gaz_spans(span.sid) if g.type == "Industry" and span.start <= g.start and g.end <= span.end]
    for g in inds if _firm_owned(ctx, span, firms, _project_owner(ctx, span, inds)) else ():
        if g.end - g.start < 3:
            continue
        yield Span(g.start, g.end, g.text, "Industry", "nested.project_industry", g.priority, g.canonical, span.sid)
    org = ctx.lex.pattern("project.org").match(text[span.start:span.end])
    if org and org.end() < span.end - span.start:
        yield Span(span.start, span.start + org.end(), org.group(), "Organization", ctx.lex.rule("project.org"), 10,
                   sid=span.sid)
        return
    owner = _project_owner(ctx, span, inds)
    if owner is not None:
        yield owner


def _firm_owned(ctx: Context, span: Span, firms: tuple, owner: Span | None) -> bool:
    """The project's name opens with a company: one the document names, a known one, a group or
    legal form (上元集团精密机械制造园), or an owner name of three or more characters that no place
    opens (原子高科同位素项目; not 铠欣 or 青岛速霸, brand-like prefixes)."""
    gaz = ctx.gaz_spans(span.sid)
    if span.text.startswith(firms) or any(g.start == span.start and g.type == "Enterprise" for g in gaz):
        return True
    if owner is not None and owner.end - owner.start >= 3 and not any(
            g.start == span.start and g.type == "Region" for g in gaz):
        return True
    return any(w in span.text for w in ctx.lex.words("company_group") + tuple(ctx.lex.trigger("legal_form")))


def _project_owner(ctx: Context, span: Span, inds: list[Span]) -> Span | None:
    """The company a project is named after: the name before its phase, number or industry."""
    text, lex = ctx.text, ctx.lex
    cut = lex.pattern("project.owner_cut").search(text, span.start, span.end)
    if cut and inds:
        end = min(cut.start(), inds[0].start)
    elif cut:
        end = cut.start()
    elif inds:
        end = inds[0].start
    else:
        return None
    if not 2 <= end - span.start <= 6:
        return None
    owner = text[span.start:end]
    if any(g.start < end and span.start < g.end and (g.type == "Zone" or (g.type == "Region" and g.end >= end))
           for g in ctx.gaz_spans(span.sid)):
        return None
    if (entry_free(lex, owner) and lex.lookup(owner) is None and strong_stem(ctx, span.sid, span.start, end)
            and not any(c in owner for c in "“”\"()") and not lex.pattern("project.owner_not").search(owner)):
        return Span(span.start, end, owner, "Enterprise", "nested.project_owner", 10, sid=span.sid)
    return None


def _group_of(ctx: Context, span: Span) -> Iterator[Span]:
    """The group a subsidiary is named after (X集团Y公司 -> X集团)."""
    for word in ctx.lex.words("company_group"):
        i = span.text.find(word)
        if i < 0:
            continue
        if 2 <= i and i + len(word) < len(span.text):
            yield Span(span.start, span.start + i + len(word), span.text[:i + len(word)], "Enterprise", "nested.group",
                       10, sid=span.sid)
        break
