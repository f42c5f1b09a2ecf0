"""Tests on the material before a suffix: is it name-like (strong) or only generic words?"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from .context import PROPER_POS, Context, _is_name_char
from .lexicon import Lexicon


def strong_stem(ctx: Context, sid: int, start: int, end: int) -> bool:
    """The stem has something proper-name-like: a name token, a mask, quotes, digits, a known
    place, zone or organisation, or a known industry (化工园区, 大数据产业园)."""
    stem = ctx.text[start:end]
    unquoted = re.sub(r"[“\"][^”\"]*[”\"]", "", stem)
    if "×" in stem or ctx.lex.pattern("stem.strong_mark").search(unquoted):
        return True
    entry = ctx.lex.lookup(stem)
    if entry is not None and entry.type == "Industry":
        return False  # 康养产业基地: a kind of park, not a named one
    quoted = re.search(r"[“\"][^”\"]+[”\"]", stem)
    if quoted and (quoted.end() < len(stem) or quoted.start() > 0):
        return True  # a quoted word inside a longer name (“硅立方”先进计算中心), not a bare “8151”工程
    for g in ctx.gaz_spans(sid):
        if start <= g.start and g.end <= end and g.type in ("Region", "Zone", "Organization", "Enterprise"):
            return True
    toks = ctx.tokens(sid)
    ends = ctx._ends[sid]
    for i in range(bisect_right(ends, start), len(toks)):   # the tokens that overlap the stem
        tok = toks[i]
        if tok[0] >= end:
            break
        overlap = min(end, tok[1]) - max(start, tok[0])
        if tok[3] in PROPER_POS and tok[2] not in ctx.lex.generic_modifiers and any(map(_is_name_char, tok[2])) and (
                overlap >= 2 or (overlap >= 1 and start <= tok[0] and tok[1] <= end)):
            return True
    return False


@lru_cache(maxsize=8)
def _modifiers_rx(words: frozenset) -> re.Pattern:
    """A run of generic modifiers, longest alternative first, with no backtracking into a word
    (the atomic group keeps the greedy, word-by-word reading)."""
    alts = "|".join(map(re.escape, sorted(words, key=lambda w: (-len(w), w)))) or "(?!)"
    return re.compile(f"(?>{alts})+")


def generic_stem(lex: Lexicon, stem: str) -> bool:
    """True when a stem is only generic modifiers (全国重点, 高新技术, 各类)."""
    stem = stem.strip("“”\"")
    if not stem:
        return True
    return _modifiers_rx(lex.generic_modifiers).fullmatch(stem) is not None


def entry_free(lex: Lexicon, name: str) -> bool:
    return not (lex.is_generic(name) or name in lex.suppressed or generic_stem(lex, name))


def tokens_in(ctx: Context, sid: int, a: int, b: int) -> list:
    """The tokens of sentence sid that lie within text[a:b] (found by bisection, not a scan)."""
    toks = ctx.tokens(sid)
    ends = ctx._ends[sid]
    i = bisect_right(ends, a)  # first token ending after a
    out = []
    while i < len(toks) and toks[i][1] <= b:
        if toks[i][0] >= a:
            out.append(toks[i])
        i += 1
    return out


def token_covering(ctx: Context, sid: int, pos: int):
    """The token of sentence sid that holds character pos, or None."""
    toks = ctx.tokens(sid)
    i = bisect_right(ctx._ends[sid], pos)
    return toks[i] if i < len(toks) and toks[i][0] <= pos else None


def word_edge(ctx: Context, sid: int, pos: int) -> bool:
    """A token of sentence sid starts (or ends) at pos."""
    return pos == ctx.doc.sentences[sid].start or ctx.token_end_at(sid, pos)
