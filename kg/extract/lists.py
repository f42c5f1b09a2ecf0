"""Enumerations with a head noun (`A、B、C等企业`) and bare lists (`A、B、C和D`)."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import ALL_KNOWN, Context, _is_name_char
from .industry import industry_items
from .known import known_at
from .stems import entry_free, generic_stem, strong_stem, token_covering, tokens_in
from .suffix import after_place, project_category, project_name, unit_of_company

_ENUM_SPLIT = re.compile(r"、")
_SEGMENT = re.compile(r"[^,。;:!?()“”《》]+")
_ITEM_SEP = re.compile(r",?、,?")
_ZONE_SEGMENT = re.compile(r"[^,。;:!?“”《》]+")
_NAME_POS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "eng", "oov", "ng", "m", "x"}


def _enum_head(ctx: Context, sent_text: str, offset: int):
    """Enumeration heads `等企业`, `三大主导产业`, `为代表的企业`, `等30余家前沿科技企业` in a sentence:
    (head_start, head_end, etype); of two heads at one place the longer (等行业领军企业, not 等行业)."""
    heads = ctx.affixes.enum_heads
    found: dict[int, tuple[int, str]] = {}
    for m in ctx.affixes.enum_rx.finditer(sent_text):
        etype = heads[m.group(4)]
        modifier = m.group(3)  # (group 2, a count: 等多个领域, 等30余家前沿科技企业)
        # `等集成电路企业`, `等30余家前沿科技企业`: a sector or generic word may sit between 等 and an
        # enterprise head, nothing else
        if modifier and (m.group(1) not in ctx.lex.words("enum_etc") or etype != "Enterprise" or (
                getattr(ctx.lex.lookup(modifier), "type", None) != "Industry"
                and not (m.group(2) and generic_stem(ctx.lex, modifier)))):
            continue  # (a generic word only after a count: 等30余家前沿科技企业, not 等平台企业)
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
            if etype in ("Project", "Zone"):
                continue  # lists of projects and parks: item_list_spans, with whole items
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
                if getattr(lex.lookup(name), "type", etype) == "Industry":
                    continue  # 化工、电力等传统企业: the firms of these industries, no firm named
                if name in ctx.affixes.suffix_info:
                    continue   # a bare type word (药业 of a list whose first name was cut) is no name
                if etype == "Enterprise" and not _firm_like(ctx, sid, s, e):
                    continue  # 总部型、龙头型等平台企业: kinds, not firms
                yield Span(s, e, name, etype, f"enum.{etype.lower()}", priority=35, sid=sid)
    yield from item_list_spans(ctx)


# ---------------------------------------------------------------------------- projects and parks


def item_list_spans(ctx: Context) -> Iterator[Span]:
    """Whole items of lists of projects or parks: `A、B、C等N个(重点)项目`, `项目分别是A、B…`,
    `A、B等4个X产业园`, and `投资N亿元的X`. An item keeps its inner 及/和 and brackets
    (嘉禾新材料研发及生产总部, 海川电子产业园(一期)); category and amount phrases are no items.
    The heads are found in one pass over the document, then read sentence by sentence."""
    text, lex = ctx.text, ctx.lex
    heads = ctx.affixes.enum_heads
    found = ctx.hits_by_sentence(_item_heads(ctx).find(text))
    for sid, hits in sorted(found.items()):
        sent = ctx.doc.sentences[sid]
        floor = sent.start
        for m in _tails(ctx, hits, sent.start):
            etype = heads.get(m.group("head"))
            if etype not in ("Project", "Zone") or m.start() <= floor or not project_category(ctx, sid, *m.span("mod"), industries=True):
                continue  # 等指标纳入园区: no list of parks
            items = _items_before(ctx, sid, floor, m.start())
            floor = m.end()
            yield from _list_item_spans(ctx, sid, items, etype, f"enum.{etype.lower()}_item")
        for m in lex.pattern("enum.item_intro").finditer(text, sent.start, sent.end):
            yield from _list_item_spans(ctx, sid, _items_after(ctx, sid, m.end()), "Project", "enum.project_item")
    for m in lex.pattern("enum.invested").finditer(text):
        sid = ctx.sentence_of(m.start())
        span = _invested(ctx, sid, m.end()) if sid is not None and m.end() < ctx.doc.sentences[sid].end else None
        if span is not None:
            yield span


def _item_heads(ctx: Context):
    """An automaton over the heads of project and park lists (项目, 重点项目, 产业园), cached."""
    found = getattr(ctx.affixes, "_item_heads", None)
    if found is None:
        from .match import Gazetteer

        found = ctx.affixes._item_heads = Gazetteer((w for w, t in ctx.affixes.enum_heads.items() if t in ("Project", "Zone")),
                                                    "dfa")
    return found


def _tails(ctx: Context, heads: list, lo: int) -> Iterator[re.Match]:
    """The list ends (enum.item_tail) that close at the heads found, searched just before each head."""
    rx = ctx.lex.pattern("enum.item_tail")
    for _, hs, he in heads:
        m = next((m for m in rx.finditer(ctx.text, max(lo, hs - 32), he) if m.end() == he), None)
        if m is not None:
            yield m


def _separators(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The item separators in text[s:e]: 、, also written `,、` or `、,` (a mirror's artefact)."""
    return [(m.start(), m.end()) for m in _ITEM_SEP.finditer(text, s, e)]


def _items_before(ctx: Context, sid: int, floor: int, tail: int) -> list[tuple[int, int]]:
    """The items of a list that ends at `tail` (a 等 or a count): back to the clause start (a
    comma followed or preceded by 、 does not end the list), the first item after the words
    that introduce the list (包括, 开工, 旗下)."""
    text = ctx.text
    start = tail
    while start > floor and (_item_char(text[start - 1]) or (text[start - 1] == "," and "、" in text[start - 2:start + 1])):
        start -= 1
    cuts = _separators(text, start, tail)
    items, pos = [], start
    for a, b in cuts:
        items.append((pos, a))
        pos = b
    items.append((pos, tail))
    if items:
        items[0] = (_item_lead(ctx, sid, *items[0]), items[0][1])
    return [(a, b) for a, b in items if b > a]


def _item_char(ch: str) -> bool:
    """A character a list of names may hold (names, brackets, quotes, 、 between items)."""
    return _is_name_char(ch) or ch in "()“”\"·-.、"


def _items_after(ctx: Context, sid: int, pos: int) -> list[tuple[int, int]]:
    """The items of `项目分别是A、B、C等`: from pos to 等 (or the clause's end)."""
    text = ctx.text
    end = ctx.doc.sentences[sid].end
    m = ctx.lex.pattern("enum.item_intro_end").search(text, pos, end)
    stop = m.start() if m else end
    if "、" not in text[pos:stop]:
        return []
    items, start = [], pos
    for a, b in _separators(text, pos, stop):
        items.append((start, a))
        start = b
    items.append((start, stop))
    return items


def _item_lead(ctx: Context, sid: int, s: int, e: int) -> int:
    """Where the first item of a list starts: after the last word that introduces the list
    (包括, 开工, 推动, 旗下) and without a leading conjunction or `国内首个`."""
    intro = ctx.lex.words("list_intro")
    toks = tokens_in(ctx, sid, s, e - 2)
    dateline = ctx.lex.pattern("enum.item_dateline").search(ctx.text, s, e)
    if dateline:
        s = dateline.end()  # 中新网临湘5月6日电(记者X)A、B
    for tok in toks:
        if (tok[2] in intro or tok[3] == "uj") and tok[0] >= s:
            s = tok[1]  # 包括|A, X运营的|A
    builds = ctx.lex.words("build_verb")
    for _ in range(2):  # 首批|建设|A: the words that open a list, then a leading verb again
        for tok in toks:  # a leading verb or adverb (确保, 加快, 建设 read as a noun) opens the clause
            if tok[0] == s and (tok[3] in ("v", "d", "ad", "c", "p", "ul", "uj", "r") or tok[2] in builds):
                s = tok[1]
        s = _trim_lead(ctx, s, e)
    return s


def _trim_lead(ctx: Context, s: int, e: int) -> int:
    """An item without the words that open it but not the name (以及, 国内首个, 投资12亿元的) and
    without what a closing bracket with no opening one ends (记者X)A)."""
    text = ctx.text
    close = text.find(")", s, e)
    if close >= 0 and "(" not in text[s:close]:
        s = close + 1
    for pid in ("enum.item_lead", "enum.invested"):
        m = ctx.lex.pattern(pid).match(text, s, e)
        if m and e - m.end() >= 2:
            s = m.end()
    return s


def _has_cue(ctx: Context, name: str, ends: tuple) -> bool:
    """An item that looks like a named project or park: it ends in a facility or park word, or
    carries a number or Latin letters (年产45000吨PMMA装饰板材, 武汉天马G6二期)."""
    return name.endswith(ends) or ctx.lex.pattern("stem.strong_mark").search(name) is not None


def _list_item_spans(ctx: Context, sid: int, items: list, etype: str, rule: str) -> Iterator[Span]:
    """Spans for the items of one project or park list that pass `_item_ok`: items with a cue
    always, the others when most items of the list have one."""
    text = ctx.text
    ends = ctx.lex.words("project_item_end" if etype == "Project" else "zone_item_end")
    names = [(a, b, text[a:b]) for a, b in (_trim(text, *_unquote(text, s, e)) for s, e in items)]
    names = [(_trim_lead(ctx, a, b), b, "") for a, b, _ in names]
    names = [(a, b, text[a:b]) for a, b, _ in names]
    cued = sum(1 for _, _, n in names if _has_cue(ctx, n, ends))
    for s, e, name in names:
        if not _item_ok(ctx, sid, s, e, name):
            continue
        if _has_cue(ctx, name, ends) or (cued * 2 >= len(names) and len(names) >= 2 and not _verb_first(ctx, sid, s)):
            yield Span(s, e, name, etype, rule, priority=40, sid=sid)


def _verb_first(ctx: Context, sid: int, s: int) -> bool:
    """The item opens with a verb (抓竣工投产): an action, not a name."""
    first = token_covering(ctx, sid, s)
    return first is not None and first[0] == s and first[3] == "v"


def _unquote(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in "“\"":
        s += 1
    while e > s and text[e - 1] in "”\"":
        e -= 1
    return s, e


def _item_ok(ctx: Context, sid: int, s: int, e: int, name: str) -> bool:
    """A list item that can be a project or park: 3-32 characters, no clause inside, not a
    company, not an amount or a category (201亿元, 重点续建), not opened by a verb (抓竣工投产)."""
    lex = ctx.lex
    if not 3 <= len(name) <= 32 or not all(_item_char(c) and c != "、" for c in name):
        return False
    if generic_stem(lex, name) or lex.is_generic(name) or name in lex.suppressed:
        return False
    if not project_name(ctx, sid, s, e):
        return False
    ending = next((name[-k:] for k in ctx.affixes.suffix_lengths
                   if len(name) > k and name[-k:] in ctx.affixes.suffix_info), None)
    if ending is None or ctx.affixes.suffix_info[ending][0] != "Enterprise":
        return True
    return any(name.endswith(w) and len(w) > len(ending) for w in lex.words("project_item_end"))  # 浙能六横电厂


def _invested(ctx: Context, sid: int, pos: int) -> Span | None:
    """`投资20亿元的X`: X is a project, whatever its name ends in (学院, 产业园)."""
    text = ctx.text
    m = ctx.lex.pattern("enum.invested_name").match(text, pos, ctx.doc.sentences[sid].end)
    if m is None:
        return None
    ends = ctx.lex.words("project_item_end")
    nouns = [t for t in tokens_in(ctx, sid, pos, m.end())]
    cut = next((t[1] for t, nxt in zip(nouns, nouns[1:] + [None]) if text.endswith(ends, 0, t[1])
                and (nxt is None or nxt[3] not in _NAME_POS)), None)
    if cut is None or not _item_ok(ctx, sid, pos, cut, text[pos:cut]):
        return None
    return Span(pos, cut, text[pos:cut], "Project", "enum.project_invested", priority=40, sid=sid)


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
    yield from _zone_lists(ctx)


def _zone_lists(ctx: Context) -> Iterator[Span]:
    """A bare list with a zone in it (`中德智造产业园、中韩创新合作基地、…相继落地`, `X服务中心、
    X综合保税区等获批`): its other items that end in a park word (园, 基地, 中心) and carry a
    name are zones too (the named parts and platforms of a zone)."""
    text = ctx.text
    for sid, sent in enumerate(ctx.doc.sentences):
        hits = _zone_hits(ctx, sid) if "、" in sent.text else ()
        for run in _ZONE_SEGMENT.finditer(sent.text) if hits else ():
            seg_s, seg_e = sent.start + run.start(), sent.start + run.end()
            if not any(seg_s <= h < seg_e for h in hits):
                continue
            cuts = _separators(text, seg_s, seg_e)
            if not cuts:
                continue
            first = _item_lead(ctx, sid, seg_s, cuts[0][0])
            tok = token_covering(ctx, sid, first)
            if tok is not None and tok[1] - tok[0] == 1 and tok[3] in ("a", "ad", "d", "v"):
                first = tok[1]  # 发挥好|X产业园: a one-character complement of the verb before
            items = [(first, cuts[0][0])]
            items += [(a[1], b[0]) for a, b in zip(cuts, cuts[1:])]
            last = _last_item_end(ctx, sid, cuts[-1][1], seg_e)
            if last is None:
                continue
            items.append((cuts[-1][1], last))
            yield from _zone_list_items(ctx, sid, items)


def _zone_hits(ctx: Context, sid: int) -> list[int]:
    """Where a zone kind of three or more characters (as the suffix step found them) or a known
    zone's name starts in sentence sid: a cheap test before a list is read for zones."""
    kinds = ctx.memo.get("zone_kinds")
    if kinds is None:  # the suffix step did not run
        sent = ctx.doc.sentences[sid]
        info = ctx.affixes.suffix_info
        found = [m[1] for m in ctx.affixes.suffixes.find(ctx.text, sent.start, sent.end)
                 if len(m[0]) >= 3 and info[m[0]][0] == "Zone"]
    else:
        found = kinds.get(sid, [])
    return found + [g.start for g in ctx.gaz_spans(sid) if g.type == "Zone"]


def _last_item_end(ctx: Context, sid: int, s: int, e: int) -> int | None:
    """Where the last item of a list ends: before 等, or before the verb or adverb that follows
    its name (…中心|相继落地); None if it runs to the end of the clause."""
    for tok in tokens_in(ctx, sid, s + 2, e + 8):
        if s + 2 <= tok[0] < e and (tok[2] in ctx.lex.words("enum_etc") or tok[3] in ("v", "d", "ad", "p", "c")):
            return tok[0]
    return None


def _zone_list_items(ctx: Context, sid: int, items: list) -> Iterator[Span]:
    """Zone spans for the park-like items of a list with at least one surely named zone."""
    lex, text = ctx.lex, ctx.text
    items = [(s, e) for s, e in items if 3 <= e - s <= 16 and all(_item_char(c) and c != "、" for c in text[s:e])]
    named = [(s, e) for s, e in items if _named_zone(ctx, sid, s, e)]
    if len(items) < 2 or not named:
        return
    ends = lex.words("zone_item_end")
    for s, e in items:
        name = text[s:e]
        if (s, e) in named:
            if lex.lookup(name) is None:
                yield Span(s, e, name, "Zone", "list.zone", priority=30, sid=sid)
        elif name.endswith(ends) and _typed(ctx, sid, s, e)[3] is None and strong_stem(ctx, sid, s, e - 1) \
                and entry_free(lex, name):
            yield Span(s, e, name, "Zone", "list.zone", priority=30, sid=sid)


def _named_zone(ctx: Context, sid: int, s: int, e: int) -> bool:
    """A list item that is surely a zone: a known one, a proper name before a zone kind of three
    or more characters (产业园, 综合保税区; not a zone part or a title: 示范区, 试验区), or a park
    word after a known zone (中关村|国际创新大厦)."""
    text, lex = ctx.text, ctx.lex
    entry = lex.lookup(text[s:e])
    if entry is not None:
        return entry.type == "Zone"
    kind = next((k for k in ctx.affixes.suffix_lengths if e - s > k and text[e - k:e] in ctx.affixes.suffix_info), 0)
    word = text[e - kind:e]
    if kind >= 3 and ctx.affixes.suffix_info[word][0] == "Zone":
        words = lex.words("zone_part") + lex.words("honour_kind")
        return not word.endswith(words) and not generic_stem(lex, text[s:e - kind]) and strong_stem(ctx, sid, s, e - kind)
    return text.endswith(lex.words("zone_item_end"), s, e) and any(
        g.start == s and g.type == "Zone" and e - g.end >= 3 for g in ctx.gaz_spans(sid))


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
