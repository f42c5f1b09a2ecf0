"""Industries: when an industry word is used as one, and `X产业`/`X行业` noun phrases."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Span
from .context import PUNCT, Context, clause_start
from .stems import generic_stem

_IND_AFTER = ("产业", "行业", "生产", "之谷", "之都", "之城", "制造基地", "领域", "等", "企业", "基地", "园", "集群", "产业链", "赛道", "板块", "龙头",
              "千亿", "百亿", "万亿")
_IND_NOT_AFTER = ("服务体系", "服务平台", "发展高地", "督查", "督察", "平台", "体系", "机制", "能力", "水平", "政策", "网络", "终端", "设施", "制品", "所", "技术研究",
                  "工作", "环境", "保障", "部门", "机构", "人才", "资源", "要素", "手段", "改革", "创新")


def _glued_left(ctx: Context, sid: int, span: Span) -> bool:
    """The word before the hit is a noun it belongs to (科技|保险, 民俗|文化, 生态|环保)."""
    if ctx.text[span.start - 1:span.start] in ("、", ",", ";", ":", "“", "(", "") or span.start == ctx.doc.sentences[sid].start:
        return False
    prev = ctx.token_at(sid, span.start)
    if prev is None or prev[1] != span.start:
        return True  # the hit starts inside a word
    return prev[3] in {"n", "nz", "ns", "nr", "j", "oov", "zg", "an", "b", "a"}


def industry_context(ctx: Context, sid: int, span: Span) -> str:
    """'' when an industry word is used as an ordinary word; else why it counts as an industry:
    a list of industries (with at least one specific, 3+ character member), an industry head
    after it (产业, 企业, 等), or a development verb near it (发展, 培育, 壮大)."""
    text = ctx.text
    sent = ctx.doc.sentences[sid]
    after = text[span.end:span.end + 4]
    if after.startswith(_IND_NOT_AFTER):
        return ""
    if text[span.start - 1:span.start] in ("“", '"') and not after.startswith("之"):
        return ""  # part of a quoted title (“西部航空货运枢纽”)
    glued = _glued_left(ctx, sid, span)
    if after.startswith(_IND_AFTER) and not glued:
        return "head"
    clause_s = clause_start(text, sent.start, span.start)
    clause_e = min([i for i in (text.find(p, span.end, sent.end) for p in ",;:") if i >= 0] + [sent.end])
    before = text[max(clause_s, span.start - 10):span.start]
    behind = text[span.end:min(clause_e, span.end + 6)]
    if ctx.affixes.develop_rx.search(before) or ctx.affixes.develop_after_rx.match(behind):
        return "trigger"
    if (text[span.start - 1:span.start] == "、" or after[:1] == "、") and not glued and (
            after[:1] in "、,;。和及与等(" or after.startswith(_IND_AFTER)):
        run = [g for g in ctx.gaz_spans(sid) if g.type == "Industry" and clause_s <= g.start and g.end <= clause_e]
        if any(g.end - g.start >= 3 for g in run):
            return "list"
        tail = text[max(g.end for g in run):clause_e] if run else ""
        if re.match(r"^[、和及与]*(等)?(产业|行业|领域|板块)", tail):
            return "list"
        return ""
    for other in ctx.gaz_spans(sid):
        if other is not span and other.type == "Industry" and (
                text[other.end:span.start] in ("和", "及", "与", "以及") or text[span.end:other.start] in ("和", "及", "与", "以及")):
            return "pair"
    return ""


_SCALE = re.compile(r"(千亿级|百亿级|万亿级|千亿|百亿|万亿|\d+亿级?)$")
_INDUSTRY_TAILS = ("产业集群", "产业链", "产业", "行业", "领域", "板块")
_COUNT = re.compile(r"(?:[一二两三四五六七八九十]|\d+)大$")
_QUALIFIER_TAIL = re.compile(r"((?:[一二两三四五六七八九十]|\d+)大)?(主导|重点|优势|特色|支柱|新兴|战略性新兴|先导|前沿|未来|核心|基础)$")
_QUALIFIER_HEAD = re.compile(r"^(国家级|国家|省级|全省|全市|全区|区域|我国|我省|我市|我区)")


def industry_items(ctx: Context, sid: int, s: int, e: int, rule: str, allow_unknown: bool = True) -> Iterator[Span]:
    """An industry phrase -> industry spans: known terms, compounds of known terms
    (新能源新材料 -> 新能源, 新材料), or the phrase itself without scale words and tails."""
    lex = ctx.lex
    text = ctx.text
    for tail in _INDUSTRY_TAILS:
        if text.endswith(tail, s, e) and e - len(tail) - s >= 2:
            e -= len(tail)
            break
    m = _SCALE.search(text[s:e])
    if m:
        e = s + m.start()
    m = _QUALIFIER_TAIL.search(text[s:e])
    if m and m.start() >= 2:
        e = s + m.start()
    m = _COUNT.search(text[s:e])
    if m:
        e = s + m.start()
    m = _QUALIFIER_HEAD.match(text[s:e])
    if m and e - s - m.end() >= 2:
        s += m.end()
    lead = next((w for w in ctx.affixes.lead_verbs if text.startswith(w, s)), None)
    if lead and e - s - len(lead) >= 2:
        s += len(lead)  # 大力发展人工智能: the verb of the clause is not part of the industry
    while s < e and text[s] in "“\"":
        s += 1
    while e > s and text[e - 1] in "”\"":
        e -= 1
    if e - s < 2:
        return
    name = text[s:e]
    if name in lex.abstract or lex.is_generic(name) or name in lex.suppressed or generic_stem(lex, name):
        return
    entry = lex.lookup(name)
    if entry is None and name.endswith("业") and lex.lookup(name[:-1]) is not None:
        entry = lex.lookup(name[:-1])
    if entry is not None:
        if entry.type == "Industry":
            yield Span(s, e, name, "Industry", rule, priority=20, canonical=entry.name, sid=sid)
        return
    # a known industry plus a generic rest (大数据信息 -> 大数据)
    for h in ctx.gazetteer.find(text, s, e):
        en = lex.lookup(h[0])
        if en is not None and en.type == "Industry" and h[1] == s and text[h[2]:e] in ("信息", "产业", "行业", "经济", "技术"):
            yield Span(s, e, name, "Industry", rule + ".head", priority=20, canonical=en.name, sid=sid)
            return
    # a compound of known industries, covered end to end
    hits = [h for h in ctx.gazetteer.find(text, s, e) if (en := lex.lookup(h[0])) and en.type == "Industry"]
    if hits and hits[0][1] == s and hits[-1][2] == e and all(
            text[a[2]:b[1]] in ("", "及", "和", "与", "以及") for a, b in zip(hits, hits[1:])):
        for surface, hs, he in hits:
            yield Span(hs, he, surface, "Industry", rule + ".split", priority=20,
                       canonical=lex.lookup(surface).name, sid=sid)
        return
    if e - s > 10 or any(ch in PUNCT for ch in name):
        return
    if not allow_unknown and not any(name.endswith(h) for h in ctx.affixes.industry_heads):
        return
    yield Span(s, e, name, "Industry", rule, priority=16, sid=sid)


_INDUSTRY_SUFFIX = re.compile(r"(千亿级|百亿级|万亿级)?(产业集群|产业链|产业|行业|领域)(?!园|基地|孵化|园区|大厦|新城|城|投资|基金|发展基金|工人|政策|体系|结构|布局|工人|工作|链条|项目)")


def industry_spans(ctx: Context) -> Iterator[Span]:
    """`X产业` / `X行业` / `X领域` / `X产业集群`: the noun phrase X is an industry."""
    for sid, sent in enumerate(ctx.doc.sentences):
        for m in _INDUSTRY_SUFFIX.finditer(ctx.text, sent.start, sent.end):
            start = ctx.extend_left(sid, m.start(), max_chars=10)
            if start == m.start():
                continue
            yield from industry_items(ctx, sid, start, m.start(), "industry.suffix", allow_unknown=False)
