"""What extractors share for one document: the Context (text, lexicon, cached tokens) and the
affix automata derived from the lexicon (built once per set of resources)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from ..model import Document, Span
from .lexicon import Lexicon
from .match import Gazetteer

STRONG_POS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "eng", "m", "x", "nw", "oov", "zg", "ng"}
WEAK_POS = {"a", "b", "d", "an", "s", "vn"}
PROPER_POS = {"nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "eng", "x", "oov"}
ALL_KNOWN = ("Region", "Zone", "Organization", "Enterprise", "Industry", "Project")
PUNCT = set(",。、;:!?()“”‘’\"'《》【】[]{}<>—-·…/\\|~ \n")


_NOT_OOV = frozenset(("x", "m", "eng", "vd", "p", "c", "r"))


@lru_cache(maxsize=65536)
def _known_word(word: str) -> bool:
    import rjieba

    return rjieba.has_word(word)


class Context:
    """What extractors share for one document: the text, the lexicon, cached tokenisations."""

    def __init__(self, doc: Document, lex: Lexicon, gazetteer: Gazetteer, affixes: "Affixes"):
        import rjieba

        self.segment = rjieba.tag  # the tokeniser with POS tags (a build wraps it to time segmentation)
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self.gazetteer = gazetteer
        self.affixes = affixes
        self._tokens: dict[int, list[tuple[int, int, str, str]]] = {}
        self._gaz: dict[int, list[Span]] = {}
        self._ends: dict[int, list[int]] = {}
        self._by_end: dict[tuple, dict] = {}
        self.memo: dict = {}   # analyses several steps read, found once per document (official.post_strings)

    def tokens(self, sid: int) -> list[tuple[int, int, str, str]]:
        """(start, end, word, pos) for sentence sid, absolute offsets (rjieba with POS)."""
        toks = self._tokens.get(sid)
        if toks is None:
            sent = self.doc.sentences[sid]
            text = self.text
            a = first = sent.start
            toks = []
            for word, tag in self.segment(sent.text):
                b = a + len(word)
                # a word no dictionary knows: most often a proper name (定连, 蔚来)
                if (b - a >= 2 and tag not in _NOT_OOV and tag[0] != "u"
                        and (tag != "v" or a == first or text[a - 1] in PUNCT) and not _known_word(word)):
                    tag = "oov"
                toks.append((a, b, word, tag))
                a = b
            self._ends[sid] = [t[1] for t in toks]
            self._tokens[sid] = toks
        return toks

    def sentence_of(self, pos: int) -> int | None:
        """The index of the sentence that holds pos (None: between sentences)."""
        starts = self.memo.get("sentence_starts")
        if starts is None:
            starts = self.memo["sentence_starts"] = [s.start for s in self.doc.sentences]
        i = bisect_right(starts, pos) - 1
        return i if i >= 0 and pos < self.doc.sentences[i].end else None

    def hits_by_sentence(self, hits) -> dict[int, list]:
        """Automaton hits (surface, start, end) over the whole text, filed by the sentence that
        holds them (a hit across a sentence boundary is dropped): one pass per document."""
        out: dict[int, list] = {}
        for hit in hits:
            sid = self.sentence_of(hit[1])
            if sid is not None and hit[2] <= self.doc.sentences[sid].end:
                out.setdefault(sid, []).append(hit)
        return out

    def gaz_spans(self, sid: int) -> list[Span]:
        spans = self._gaz.get(sid)
        if spans is None:
            sent = self.doc.sentences[sid]
            spans = []
            for surface, s, e in self.gazetteer.find(self.text, sent.start, sent.end):
                entry = self.lex.lookup(surface)
                if entry is None or surface in self.lex.suppressed or surface in self.lex.abstract:
                    continue
                if surface != entry.name and e - s <= 2 and not self._token_aligned(sid, s):
                    continue  # a short form glued inside another word (北海 in 西北海创)
                spans.append(Span(s, e, surface, entry.type, f"gazetteer.{entry.type.lower()}",
                                  priority=entry.priority, canonical=entry.name, sid=sid))
            self._gaz[sid] = spans
        return spans

    def _gaz_by_end(self, sid: int, known: tuple) -> dict:
        """Known-name spans of a sentence by where they end (cached per sentence and etype set)."""
        key = (sid, known)
        found = self._by_end.get(key)
        if found is None:
            found = self._by_end[key] = {g.end: g for g in self.gaz_spans(sid) if g.type in known}
        return found

    def _token_aligned(self, sid: int, pos: int) -> bool:
        """A token of sentence sid starts at pos: the first, or one after a token that ends there
        (the tokens tile the sentence)."""
        toks = self.tokens(sid)
        return bool(toks) and (pos == toks[0][0] or (pos < toks[-1][1] and self.token_end_at(sid, pos)))

    def token_end_at(self, sid: int, pos: int) -> bool:
        """A token of sentence sid ends at pos."""
        self.tokens(sid)
        ends = self._ends[sid]
        i = bisect_left(ends, pos)
        return i < len(ends) and ends[i] == pos

    def token_at(self, sid: int, pos: int):
        """The token covering character pos-1 (the one a leftward walk from pos meets)."""
        toks = self.tokens(sid)
        ends = self._ends[sid]  # filled with the tokens
        i = bisect_left(ends, pos)
        if i < len(ends):
            tok = toks[i]
            if tok[0] < pos:
                return tok
        return None

    def extend_left(self, sid: int, pos: int, *, max_chars: int = 18, floor: int | None = None,
                    known: tuple = ("Region", "Zone", "Organization", "Enterprise"), company: bool = False) -> int:
        """Walk left from pos over name-like material: nouns, names, numbers, masks, bracketed
        place names, quoted names and known entities. Returns the new start."""
        sent = self.doc.sentences[sid]
        lo = max(sent.start, floor if floor is not None else sent.start)
        gaz_by_end = self._gaz_by_end(sid, known)
        start = pos
        while start > lo and pos - start < max_chars:
            step = self._step_left(sid, start, lo, gaz_by_end, company)
            if step is None:
                break
            start = step
        for g in self.gaz_spans(sid):
            if g.start < start < g.end <= pos:
                start = max(g.start, lo)
        return self._trim_left(sid, start, pos, company)

    def _step_left(self, sid: int, start: int, lo: int, gaz_by_end: dict, company: bool) -> int | None:
        """Where name-like material ending at start begins, one step to the left; None: it ends here."""
        text = self.text
        ch = text[start - 1]
        if ch == ")":
            open_at = text.rfind("(", max(lo, start - 10), start - 1)
            if open_at < 0 or not all(_is_name_char(c) for c in text[open_at + 1:start - 1]):
                return None
            return open_at
        if ch in "”\"":
            open_at = max(text.rfind("“", max(lo, start - 14), start - 1), text.rfind('"', max(lo, start - 14), start - 1))
            return open_at if open_at >= 0 else None
        if ch == "×":
            return start - 1
        known = gaz_by_end.get(start)
        if known is not None and known.start >= lo:
            return known.start
        if ch == "." and start - 2 >= lo and text[start - 2].isdigit() and text[start:start + 1].isdigit():
            return start - 1  # 第8.6代: a decimal point inside a name
        if ch in PUNCT:
            return None
        return self._token_left(sid, start, lo, company)

    def _token_left(self, sid: int, start: int, lo: int, company: bool) -> int | None:
        """The start of the token before start if it may be part of a name, else None."""
        tok = self.token_at(sid, start)
        if tok is None:
            return None
        word = self.text[max(tok[0], lo):start]
        tag = tok[3]
        scope = company and word in self.affixes.scope_words
        if (self._stops_name(word, tag) and not scope) or not all(
                _is_name_char(c) or c in "·-&" or (c == "." and tag == "m") for c in word):
            return None  # symbols and emoji (tagged x like names) are never part of a name
        if tag not in STRONG_POS and not scope and not self._counter(sid, tok, word) and not self._weak_inside(sid, tok, word, lo):
            return None
        return max(tok[0], lo)

    def _counter(self, sid: int, tok, word: str) -> bool:
        """A measure word after a number inside a name (第8.6代, 二期)."""
        if tok[3] != "q" or word not in self.affixes.name_counters:
            return False
        n = self.token_at(sid, tok[0])
        return n is not None and n[3] == "m"

    def _weak_inside(self, sid: int, tok, word: str, lo: int) -> bool:
        """An adjective/adverb inside a name (科近, 特新): only short, and when a name-like token precedes."""
        tag = tok[3]
        if tag not in WEAK_POS or len(word) > (3 if tag == "b" else 2) or (len(word) == 1 and word in self.affixes.function_words):
            return False
        prev = self.token_at(sid, tok[0])
        return not (prev is None or prev[3] not in STRONG_POS or self._stops_name(prev[2], prev[3]) or tok[0] <= lo)

    def _trim_left(self, sid: int, start: int, pos: int, company: bool = False) -> int:
        """A name does not start with a bracketed number (三), a count (169个, 一批) or a quote mark."""
        text = self.text
        lead_year_scope = self.lex.pattern("name.lead_year_scope")
        lead_count = self.lex.pattern("name.lead_count")
        while start < pos:
            if text[start] in self.affixes.lead_preps and pos - start >= 3 and not self._known_starts(sid, start):
                start += 1
                continue
            if text[start] == "(":
                close = text.find(")", start, pos)
                if close < 0:
                    break
                start = close + 1
                continue
            word = company and next((w for w in self.affixes.scope_words if text.startswith(w, start)), None)
            if word and pos - start > len(word) + 1:
                start += len(word)  # 建设XX有限公司: a scope word does not open a name
                continue
            m = lead_year_scope.match(text[start:pos]) or lead_count.match(text[start:pos])
            if m:
                start += m.end()
                continue
            break
        return start

    def _known_starts(self, sid: int, pos: int) -> bool:
        """A known name starts at pos (以色列, 以岭药业: their first character is no preposition)."""
        if any(g.start == pos for g in self.gaz_spans(sid)):
            return True
        hit = self.affixes.known.find(self.text, pos, min(pos + 12, self.doc.sentences[sid].end))[:1]
        return bool(hit) and hit[0][1] == pos

    def _stops_name(self, word: str, tag: str) -> bool:
        if word in self.affixes.function_words or word in self.affixes.stop_words or word in self.lex.posts:
            return True
        return tag in {"p", "c", "u", "uj", "ul", "uz", "ug", "ud", "uv", "r", "t", "y", "e", "o"}


def clause_start(text: str, lo: int, pos: int) -> int:
    """Where the clause holding pos begins: just after the last , ; or : in text[lo:pos], else lo."""
    return max(lo, max(text.rfind(c, lo, pos) for c in ",;:") + 1)


def _is_name_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch.isalnum() or ch == "×"


class Affixes:
    """Suffix and trigger automata derived from the lexicon (built once per lexicon)."""

    def __init__(self, lex: Lexicon):
        self.suffix_info = {}
        for suffix, etype, strong, prio in lex.suffixes:
            self.suffix_info.setdefault(suffix, (etype, strong, prio))
        self.suffixes = Gazetteer(self.suffix_info, "dfa")
        self.posts = Gazetteer(lex.posts, "dfa")
        self.enum_heads = lex.trigger("enum_head")
        self.name_followers = sorted(set(lex.trigger("speech")) | set(lex.posts) | set(lex.words("honorific")),
                                     key=len, reverse=True)
        self.industry_heads = lex.words("industry_head")
        self.develop = lex.words("develop")
        self.scope_words = frozenset(lex.trigger("name_scope"))
        self.develop_rx = re.compile("|".join(map(re.escape, sorted(self.develop, key=len, reverse=True))) or "(?!)")
        self.enum_rx = lex.pattern("enum.head")
        self.suffix_lengths = sorted({len(sfx) for sfx in self.suffix_info}, reverse=True)
        self.lead_verbs = tuple(sorted(lex.words("lead_verb"), key=lambda w: (-len(w), w)))
        self.weak_org = {suf for suf, (etype, strong, _) in self.suffix_info.items() if etype == "Organization" and not strong}
        self.develop_after_rx = lex.pattern("industry.develop_after")
        suffix_words = set(self.suffix_info)
        self.stop_words = ({w for w, lab in self.enum_heads.items() if w not in suffix_words and lab in ("Enterprise", "Organization")} | set(lex.trigger("speech"))
                           | set(lex.trigger("verb")) | set(lex.words("name_stop")))
        self.bare_zones = set(lex.trigger("bare_zone"))
        self.business_units = frozenset(lex.words("business_unit"))
        self.function_words = frozenset(lex.words("function_word"))
        self.lead_preps = frozenset(lex.words("lead_prep"))
        self.name_counters = lex.words("name_counter")
        # a string, not a set: `after[:1] in` it holds for an empty `after` too (the text's end)
        self.industry_list_next = "".join(lex.words("industry_list_next"))
        self.any_name_forms = tuple(w for w, flags in lex.trigger("legal_form").items() if "any_name" in flags.split("|"))
        # the names of the big lists and county short forms (kg/extract/known.py); names that end in a
        # legal form or a strong body suffix (…股份有限公司, …大学) are left to the suffix rule, which
        # finds them anyway (and the automaton builds four times faster without them)
        named = tuple(sorted({*lex.words("legal_form"), *(suf for suf, (etype, strong, _) in self.suffix_info.items()
                                                          if etype == "Organization" and strong)}, key=len, reverse=True))
        self.known = Gazetteer(form for form in lex.known if not form.endswith(named))
        self.known_complete = named + lex.words("company_group")
        self.name_context: dict[str, tuple[str, ...]] = {}
        for word, types in lex.trigger("name_context").items():
            for etype in types.split("|"):
                self.name_context[etype] = (*self.name_context.get(etype, ()), word)


# ---------------------------------------------------------------------------- extractors
