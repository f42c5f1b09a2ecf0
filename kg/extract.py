"""Entity extractors: small named units registered in one place.

Each extractor takes a per-document Context and yields candidate Spans (matching only); the
pipeline then applies the one overlap policy (`match.filter_spans`). Rule ids are
`<extractor>.<detail>` and travel with every span into the graph's evidence records.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate
from functools import lru_cache
from typing import Callable, Iterator

from .lexicon import Lexicon
from .match import Gazetteer, filter_spans
from .model import Document, Span

REGISTRY: dict[str, Callable[["Context"], Iterator[Span]]] = {}


def extractor(name: str):
    """Register an entity extractor under `name` (its rule ids start with it)."""

    def deco(fn):
        if name in REGISTRY:
            raise ValueError(f"extractor {name!r} registered twice")
        REGISTRY[name] = fn
        fn.extractor_name = name
        return fn

    return deco


STRONG_POS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "eng", "m", "x", "nw", "oov", "zg", "ng"}
WEAK_POS = {"a", "b", "d", "an", "s", "vn"}
FUNCTION_WORDS = set("已将正也都还更最就又再均不没很较亦仍才要应能会可在于对向从由把被让使与和及或并且等的之地得了着过")
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
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self.gazetteer = gazetteer
        self.affixes = affixes
        self._tokens: dict[int, list[tuple[int, int, str, str]]] = {}
        self._gaz: dict[int, list[Span]] = {}
        self._ends: dict[int, list[int]] = {}
        self._by_end: dict[tuple, dict] = {}

    def tokens(self, sid: int) -> list[tuple[int, int, str, str]]:
        """(start, end, word, pos) for sentence sid, absolute offsets (rjieba with POS)."""
        toks = self._tokens.get(sid)
        if toks is None:
            import rjieba

            sent = self.doc.sentences[sid]
            tagged = rjieba.tag(sent.text)
            ends = list(accumulate((len(w) for w, _ in tagged), initial=sent.start))
            toks = [(a, b, w, t) for (w, t), a, b in zip(tagged, ends, ends[1:])]
            text, first = self.text, sent.start
            for i, (a, b, word, tag) in enumerate(toks):
                if (b - a >= 2 and tag not in _NOT_OOV and tag[0] != "u"
                        and (tag != "v" or a == first or text[a - 1] in PUNCT) and not _known_word(word)):
                    toks[i] = (a, b, word, "oov")  # a word no dictionary knows: most often a proper name (定连, 蔚来)
            self._ends[sid] = ends[1:]
            self._tokens[sid] = toks
        return toks

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
                spans.append(Span(s, e, surface, entry.label, f"gazetteer.{entry.label.lower()}",
                                  priority=entry.priority, canonical=entry.name, sid=sid))
            self._gaz[sid] = spans
        return spans

    def _gaz_by_end(self, sid: int, known: tuple) -> dict:
        """Known-name spans of a sentence by where they end (cached per sentence and label set)."""
        key = (sid, known)
        found = self._by_end.get(key)
        if found is None:
            found = self._by_end[key] = {g.end: g for g in self.gaz_spans(sid) if g.label in known}
        return found

    def _token_aligned(self, sid: int, pos: int) -> bool:
        return any(t[0] == pos for t in self.tokens(sid))

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
        text = self.text
        gaz_by_end = self._gaz_by_end(sid, known)
        start = pos
        while start > lo and pos - start < max_chars:
            ch = text[start - 1]
            if ch == ")":
                open_at = text.rfind("(", max(lo, start - 10), start - 1)
                if open_at < 0 or not all(_is_name_char(c) for c in text[open_at + 1:start - 1]):
                    break
                start = open_at
                continue
            if ch in "”\"":
                open_at = max(text.rfind("“", max(lo, start - 14), start - 1), text.rfind('"', max(lo, start - 14), start - 1))
                if open_at < 0:
                    break
                start = open_at
                continue
            if ch == "×":
                start -= 1
                continue
            if start in gaz_by_end and gaz_by_end[start].start >= lo:
                start = gaz_by_end[start].start
                continue
            if ch == "." and start - 2 >= lo and text[start - 2].isdigit() and text[start:start + 1].isdigit():
                start -= 1  # 第8.6代: a decimal point inside a name
                continue
            if ch in PUNCT:
                break
            tok = self.token_at(sid, start)
            if tok is None:
                break
            word = text[max(tok[0], lo):start]
            tag = tok[3]
            scope = company and word in self.affixes.scope_words
            if (self._stops_name(word, tag) and not scope) or not all(_is_name_char(c) or c in "·-&" or (c == "." and tag == "m") for c in word):
                break  # symbols and emoji (tagged x like names) are never part of a name
            counter = tag == "q" and word in ("代", "期", "号") and (n := self.token_at(sid, tok[0])) is not None and n[3] == "m"
            if tag not in STRONG_POS and not scope and not counter:  # 第8.6代 inside a name
                # an adjective/adverb inside a name (科近, 特新) only when a name-like token precedes
                prev = self.token_at(sid, tok[0])
                if (tag not in WEAK_POS or len(word) > (3 if tag == "b" else 2) or (len(word) == 1 and word in FUNCTION_WORDS)
                        or prev is None or prev[3] not in STRONG_POS or self._stops_name(prev[2], prev[3])
                        or tok[0] <= lo):
                    break
            start = max(tok[0], lo)
        for g in self.gaz_spans(sid):
            if g.start < start < g.end <= pos:
                start = max(g.start, lo)
        return self._trim_left(sid, start, pos, company)

    def _trim_left(self, sid: int, start: int, pos: int, company: bool = False) -> int:
        """A name does not start with a bracketed number (三), a count (169个, 一批) or a quote mark."""
        text = self.text
        while start < pos:
            if text[start] in "对在把将向从由被让使" and pos - start >= 3:
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
            m = re.match(r"\d{4}(-\d{4})?年度?|全省|全市|全区|全县|全国", text[start:pos])
            if m:
                start += m.end()
                continue
            m = re.match(r"(\d+|[一二两三四五六七八九十百千万几多]+)(个|家|批|支|项|所|大|类|名|条)", text[start:pos])
            if m:
                start += m.end()
                continue
            break
        return start

    def _stops_name(self, word: str, tag: str) -> bool:
        if word in FUNCTION_WORDS or word in self.affixes.stop_words or word in self.lex.posts:
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
        for suffix, label, strong, prio in lex.suffixes:
            self.suffix_info.setdefault(suffix, (label, strong, prio))
        self.suffixes = Gazetteer(self.suffix_info)
        self.posts = Gazetteer(lex.posts)
        self.enum_heads = lex.trigger("enum_head")
        self.name_followers = sorted(set(lex.trigger("speech")) | set(lex.posts) | {"同志", "先生", "女士"},
                                     key=len, reverse=True)
        self.industry_heads = tuple(lex.trigger("industry_head"))
        self.develop = tuple(lex.trigger("develop"))
        self.scope_words = frozenset(lex.trigger("name_scope"))
        self.develop_rx = re.compile("|".join(map(re.escape, sorted(self.develop, key=len, reverse=True))) or "(?!)")
        pattern = "|".join(sorted(map(re.escape, self.enum_heads), key=len, reverse=True))
        self.enum_rx = re.compile(rf"(等|(?:[一二两三四五六七八九十]|\d+)大|为代表的|为主的)([\u4e00-\u9fff]{{2,6}}?)??({pattern})")
        self.suffix_lengths = sorted({len(sfx) for sfx in self.suffix_info}, reverse=True)
        self.lead_verbs = tuple(sorted({w for w in lex.trigger("area_develop") if not w.endswith(("产业", "体系", "集群"))}
                                       | {w for w in lex.trigger("develop") if len(w) == 2} - {"主导", "重点", "优势"},
                                       key=lambda w: (-len(w), w)))
        self.develop_after = ("持续壮大", "壮大", "发展", "集群", "产业", "产值", "领跑", "多点突破", "提质增效", "实现突破",
                              "取得突破", "增势强劲", "势头强劲", "量质齐升")
        self.weak_org = {suf for suf, (label, strong, _) in self.suffix_info.items() if label == "Organization" and not strong}
        self.develop_after_rx = re.compile(".{0,2}(?:" + "|".join(map(re.escape, self.develop_after)) + ")", re.S)
        suffix_words = set(self.suffix_info)
        self.stop_words = ({w for w, lab in self.enum_heads.items() if w not in suffix_words and lab in ("Enterprise", "Organization")} | set(lex.trigger("speech"))
                           | set(lex.trigger("verb")) | {"其中", "包括", "以及", "目前", "同时"})
        self.bare_zones = set(lex.trigger("bare_zone"))


# ---------------------------------------------------------------------------- extractors


@extractor("gazetteer")
def gazetteer_spans(ctx: Context) -> Iterator[Span]:
    """Known names from the lexicons (regions, zones, industries, national bodies, user entries).

    Industry words are also ordinary words (文化, 医疗, 生物), so an industry hit needs an
    industry context unless it is a long, specific name (see `industry_context`)."""
    for sid in range(len(ctx.doc.sentences)):
        for span in ctx.gaz_spans(sid):
            if span.label != "Industry" or span.priority >= 100:
                yield span
                continue
            verdict = industry_context(ctx, sid, span)
            if verdict:
                yield Span(span.start, span.end, span.text, span.label, f"{span.rule}.{verdict}",
                           span.priority, span.canonical, span.sid)


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
        run = [g for g in ctx.gaz_spans(sid) if g.label == "Industry" and clause_s <= g.start and g.end <= clause_e]
        if any(g.end - g.start >= 3 for g in run):
            return "list"
        tail = text[max(g.end for g in run):clause_e] if run else ""
        if re.match(r"^[、和及与]*(等)?(产业|行业|领域|板块)", tail):
            return "list"
        return ""
    for other in ctx.gaz_spans(sid):
        if other is not span and other.label == "Industry" and (
                text[other.end:span.start] in ("和", "及", "与", "以及") or text[span.end:other.start] in ("和", "及", "与", "以及")):
            return "pair"
    return ""


def strong_stem(ctx: Context, sid: int, start: int, end: int) -> bool:
    """The stem has something proper-name-like: a name token, a mask, quotes, digits, a known
    place, zone or organisation, or a known industry (化工园区, 大数据产业园)."""
    stem = ctx.text[start:end]
    unquoted = re.sub(r"[“\"][^”\"]*[”\"]", "", stem)
    if "×" in stem or re.search(r"[0-9A-Za-z]|[一二三四五六七八九]期", unquoted):
        return True
    entry = ctx.lex.lookup(stem)
    if entry is not None and entry.label == "Industry":
        return False  # 康养产业基地: a kind of park, not a named one
    quoted = re.search(r"[“\"][^”\"]+[”\"]", stem)
    if quoted and (quoted.end() < len(stem) or quoted.start() > 0):
        return True  # a quoted word inside a longer name (“硅立方”先进计算中心), not a bare “8151”工程
    for g in ctx.gaz_spans(sid):
        if start <= g.start and g.end <= end and g.label in ("Region", "Zone", "Organization", "Enterprise"):
            return True
    for tok in ctx.tokens(sid):
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


@extractor("suffix")
def suffix_spans(ctx: Context) -> Iterator[Span]:
    """Name + type suffix (有限公司, 研究所, 高新区, 项目): the name-like words before the suffix."""
    lex = ctx.lex
    for sid, sent in enumerate(ctx.doc.sentences):
        for suffix, s, e in ctx.affixes.suffixes.find(ctx.text, sent.start, sent.end):
            label, strong, prio = ctx.affixes.suffix_info[suffix]
            inside = ctx.token_at(sid, e)
            if inside is not None and inside[1] != e and not ctx.affixes.posts.find(ctx.text, e, min(sent.end, e + 6))[:1]:
                continue  # the suffix runs on into a longer word (集团化, 公司法)
            if ctx.text[e:e + 1] in ("”", '"'):
                q = max(ctx.text.rfind("“", sent.start, s), ctx.text.rfind('"', sent.start, s))
                honour = re.search(r"(获评|荣获|评为|认定为|入选|获得|授予|列为|命名为)[^,。;“]{0,6}$", ctx.text[max(sent.start, q - 12):q])
                if q >= 0 and s - q <= 14 and not honour and not any(c in ctx.text[q + 1:s] for c in "“”\",。、"):
                    name = ctx.text[q + 1:e]
                    if not generic_stem(lex, ctx.text[q + 1:s]) and not lex.is_generic(name):
                        yield Span(q + 1, e, name, label, f"suffix.{label.lower()}.quoted", priority=prio + 5, sid=sid)
                        continue
            start = ctx.extend_left(sid, s, company=label == "Enterprise")
            stem = ctx.text[start:s]
            if not stem and suffix in ctx.affixes.bare_zones:
                yield Span(s, e, suffix, label, "suffix.bare_zone", priority=prio, sid=sid)
                continue
            if generic_stem(lex, stem) or (len(suffix) == 1 and stem.isdigit()):
                continue
            # 有限公司 is a legal form: any name before it (三一重工股份有限公司) is a company
            legal_form = label == "Enterprise" and suffix.endswith("有限公司") and s - start >= 2
            if label in ("Zone", "Project", "Organization", "Enterprise") and not legal_form and not strong_stem(ctx, sid, start, s):
                if label != "Organization" or suffix in ctx.affixes.weak_org:
                    continue
            if any(ps < e and s < pe and pe > e for _, ps, pe in ctx.affixes.posts.find(ctx.text, s, min(sent.end, e + 4))):
                continue  # 局 of 局长: a post title, not a name
            if not strong:
                inside = next((t for t in ctx.tokens(sid) if t[0] <= s < t[1]), None)
                before = ctx.token_at(sid, s)
                if inside is not None and inside[0] < s and inside[3] not in PROPER_POS:
                    continue  # the suffix is the tail of an ordinary word (格局, 布局, 工厂)
                if "×" not in stem and (before is None or before[3] not in PROPER_POS):
                    continue
            name = ctx.text[start:e]
            if lex.is_generic(name) or name in lex.suppressed or (len(suffix) == 1 and name[-2:] in lex.generic_names):
                continue
            yield Span(start, e, name, label, f"suffix.{label.lower()}", priority=prio, sid=sid)


_ENUM_SPLIT = re.compile(r"、")
_ENUM_LAST = re.compile(r"(?<=[\u4e00-\u9fff×]{2})(以及|及|和|与)")
_SCALE = re.compile(r"(千亿级|百亿级|万亿级|千亿|百亿|万亿|\d+亿级?)$")
_INDUSTRY_TAILS = ("产业集群", "产业链", "产业", "行业", "领域", "板块")
_COUNT = re.compile(r"(?:[一二两三四五六七八九十]|\d+)大$")
_QUALIFIER_TAIL = re.compile(r"((?:[一二两三四五六七八九十]|\d+)大)?(主导|重点|优势|特色|支柱|新兴|战略性新兴|先导|前沿|未来|核心|基础)$")
_QUALIFIER_HEAD = re.compile(r"^(国家级|国家|省级|全省|全市|全区|区域|我国|我省|我市|我区)")


def _enum_head(ctx: Context, sent_text: str, offset: int):
    """Enumeration heads `等企业`, `三大主导产业`, `为代表的企业` in a sentence: (head_start, head_end, label)."""
    heads = ctx.affixes.enum_heads
    for m in ctx.affixes.enum_rx.finditer(sent_text):
        label = heads[m.group(3)]
        modifier = m.group(2)
        # `等集成电路企业`: a sector word may sit between 等 and an enterprise head, nothing else
        if modifier and (m.group(1) != "等" or label != "Enterprise"
                         or getattr(ctx.lex.lookup(modifier), "label", None) != "Industry"):
            continue
        yield offset + m.start(), offset + m.end(), label


@extractor("enum")
def enumeration_spans(ctx: Context) -> Iterator[Span]:
    """Items of `A、B、C等企业` / `A、B、C三大主导产业`: each item gets the head's type."""
    lex = ctx.lex
    for sid, sent in enumerate(ctx.doc.sentences):
        for head_start, head_end, label in _enum_head(ctx, sent.text, sent.start):
            # the enumeration runs back from the head over items separated by 、
            seg_start = head_start
            while seg_start > sent.start and ctx.text[seg_start - 1] not in ",。;:!?()“”":
                seg_start -= 1
            segment = ctx.text[seg_start:head_start]
            if "、" not in segment and label != "Industry":
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
            if len(pieces) < 2 and label != "Industry":
                continue
            # the first item's left edge: name-like words before the first separator
            first_s, first_e = pieces[0]
            pieces[0] = (ctx.extend_left(sid, first_e, floor=first_s, known=ALL_KNOWN), first_e)
            pieces = [_trim(ctx.text, s, e) for s, e in pieces]
            known = sum(1 for s, e in pieces if (en := lex.lookup(ctx.text[s:e])) is not None and en.label == label)
            for s, e in pieces:
                if e - s < 2 or e - s > 16:
                    continue
                name = ctx.text[s:e]
                if label == "Industry":
                    yield from industry_items(ctx, sid, s, e, "enum.industry", allow_unknown=known > 0)
                    continue
                if generic_stem(lex, name) or lex.is_generic(name) or name in lex.suppressed:
                    continue
                yield Span(s, e, name, label, f"enum.{label.lower()}", priority=35, sid=sid)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " 、,":
        s += 1
    while e > s and text[e - 1] in " 、,":
        e -= 1
    return s, e


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
        if entry.label == "Industry":
            yield Span(s, e, name, "Industry", rule, priority=20, canonical=entry.name, sid=sid)
        return
    # a known industry plus a generic rest (大数据信息 -> 大数据)
    for h in ctx.gazetteer.find(text, s, e):
        en = lex.lookup(h[0])
        if en is not None and en.label == "Industry" and h[1] == s and text[h[2]:e] in ("信息", "产业", "行业", "经济", "技术"):
            yield Span(s, e, name, "Industry", rule + ".head", priority=20, canonical=en.name, sid=sid)
            return
    # a compound of known industries, covered end to end
    hits = [h for h in ctx.gazetteer.find(text, s, e) if (en := lex.lookup(h[0])) and en.label == "Industry"]
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


@extractor("industry")
def industry_spans(ctx: Context) -> Iterator[Span]:
    """`X产业` / `X行业` / `X领域` / `X产业集群`: the noun phrase X is an industry."""
    for sid, sent in enumerate(ctx.doc.sentences):
        for m in _INDUSTRY_SUFFIX.finditer(ctx.text, sent.start, sent.end):
            start = ctx.extend_left(sid, m.start(), max_chars=10)
            if start == m.start():
                continue
            yield from industry_items(ctx, sid, start, m.start(), "industry.suffix", allow_unknown=False)


_NAME_END = re.compile(r"[\u4e00-\u9fff]{1,2}")


@extractor("official")
def official_spans(ctx: Context) -> Iterator[Span]:
    """Person names next to post titles: `总经理张小奇说`, `习近平总书记`, `省长 任振鹤`."""
    for sid, sent in enumerate(ctx.doc.sentences):
        for name_s, name_e, _posts, _org_end in find_post_strings(ctx, sid):
            if name_s is not None:
                yield Span(name_s, name_e, ctx.text[name_s:name_e], "Official", "official.title_name",
                           priority=40, sid=sid)


def person_name_at(ctx: Context, sid: int, pos: int) -> int | None:
    """End of a 2-3 character person name starting at pos (surname + given name), or None.

    A name must be followed by the sentence end, punctuation, a space, a speech verb (说, 表示)
    or a post title; the longer reading wins when both fit.
    """
    text, lex = ctx.text, ctx.lex
    end_limit = ctx.doc.sentences[sid].end
    surname_len = 2 if text[pos:pos + 2] in lex.surnames else 1 if text[pos:pos + 1] in lex.surnames else 0
    if not surname_len:
        return None
    tok = next((t for t in ctx.tokens(sid) if t[0] == pos), None)
    if tok is not None and len(tok[2]) >= 2 and tok[3] not in ("nr", "nrfg", "nrt", "oov", "ns", "nz"):
        return None  # an ordinary word that happens to start with a surname (强调, 高度)
    stops = ctx.affixes.name_followers
    two = pos + surname_len + 1
    if two <= end_limit and all("\u4e00" <= c <= "\u9fff" for c in text[pos:two]) and any(
            text.startswith(w, two) for w in stops):
        return two  # 王俊说: the third character starts the verb
    for given in (2, 1):
        e = pos + surname_len + given
        if e > end_limit or not all("\u4e00" <= c <= "\u9fff" for c in text[pos:e]):
            continue
        if e == end_limit or text[e] in PUNCT or any(text.startswith(w, e) for w in stops):
            return e
    return None


def find_post_strings(ctx: Context, sid: int):
    """Title strings: [ORG] POST(、POST)* NAME or NAME POST. Yields (name_s, name_e, posts, org_end)
    where posts is a list of (start, end) and org_end is where the serving body's name ends."""
    sent = ctx.doc.sentences[sid]
    text = ctx.text
    hits = ctx.affixes.posts.find(text, sent.start, sent.end)
    # body names by their end (and start): a later post in a title string may name its own body
    bodies = {g.end: g.start for g in ctx.gaz_spans(sid) if g.label in ("Region", "Zone", "Organization")}
    i = 0
    while i < len(hits):
        group = [hits[i]]
        segments = [0]  # indexes in group where a post with its own body starts (省委常委、成都市委书记)
        while i + 1 < len(hits):
            gap = text[group[-1][2]:hits[i + 1][1]]
            if hits[i + 1][1] - group[-1][2] <= 1 and gap in ("、", "", "兼"):
                pass
            elif gap.startswith("、") and 2 <= len(gap) <= 12 and (
                    bodies.get(hits[i + 1][1]) == group[-1][2] + 1 or bodies.get(hits[i + 1][1] + 1) == group[-1][2] + 1):
                segments.append(len(group))
            else:
                break
            i += 1
            group.append(hits[i])
        i += 1
        first_s, last_e = group[0][1], group[-1][2]
        posts = [(s, e) for _, s, e in group]
        # name after the posts (optionally after one space)
        pos = last_e + (1 if text[last_e:last_e + 1] == " " else 0)
        name_e = person_name_at(ctx, sid, pos) if pos < sent.end else None
        if name_e is not None:
            for a, b in zip(segments, segments[1:] + [len(group)]):
                yield pos, name_e, posts[a:b], group[a][1]
            continue
        # name before a single post (习近平总书记)
        if first_s - sent.start >= 2:
            for n in (3, 2):
                ns = first_s - n
                if ns >= sent.start and person_name_at(ctx, sid, ns) == first_s and (
                        ns == sent.start or text[ns - 1] in PUNCT or text[ns - 1] in "的由是在"):
                    yield ns, first_s, posts, None
                    break
            else:
                yield None, None, posts, first_s
        else:
            yield None, None, posts, first_s


_FOCUS_REF = re.compile(r"(?<![\u4e00-\u9fff×])(新区|我区|全区|本区|高新区|开发区|经开区)")


@extractor("ref")
def focus_references(ctx: Context) -> Iterator[Span]:
    """Bare `新区` / `我区` / `高新区`: references to the document's focal zone (resolved later)."""
    for sid, sent in enumerate(ctx.doc.sentences):
        for m in _FOCUS_REF.finditer(ctx.text, sent.start, sent.end):
            yield Span(m.start(), m.end(), m.group(), "Zone", "ref.focus", priority=1, sid=sid)


def extract(ctx: Context, names=None) -> list[Span]:
    """Run the registered extractors, apply the overlap policy, then add the parts that a
    kept name is made of (`nested_spans`)."""
    spans: list[Span] = []
    for name, fn in REGISTRY.items():
        if names is None or name in names:
            spans.extend(fn(ctx))
    kept = filter_spans(spans)
    nested = list(nested_spans(ctx, kept))
    kept = filter_spans(kept + list(repeated_names(ctx, kept + nested)))
    return sorted(kept + list(nested_spans(ctx, kept)), key=lambda s: (s.start, s.end, s.label))


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
        if entry is not None and entry.label == "Region" and len(core) - len(head) >= 2:
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
        if span.label in ("Enterprise", "Organization", "Zone", "Project") and len(span.text) >= 2 and (
                not span.rule.startswith(("ref.", "gazetteer."))):
            names.setdefault(span.text, span.label)
    for span in kept:
        if span.label == "Enterprise":
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
        if span.label == "Project":
            inner = [h for h in ctx.affixes.suffixes.find(text, span.start, span.end)
                     if ctx.affixes.suffix_info[h[0]][0] == "Zone" and h[2] < span.end - 1]
            if inner:
                zs, ze = span.start, inner[-1][2]
                if ze - zs > len(inner[-1][0]) and strong_stem(ctx, span.sid, zs, inner[-1][1]):
                    yield Span(zs, ze, text[zs:ze], "Zone", "nested.project_zone", 10, sid=span.sid)
            inds = [g for g in ctx.gaz_spans(span.sid) if g.label == "Industry" and span.start <= g.start and g.end <= span.end]
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
            if any(g.start < end and span.start < g.end and (g.label == "Zone" or (g.label == "Region" and g.end >= end))
                   for g in ctx.gaz_spans(span.sid)):
                continue
            if (entry_free(lex, owner) and lex.lookup(owner) is None and strong_stem(ctx, span.sid, span.start, end)
                    and not any(c in owner for c in "“”\"()") and not re.search(r"园区|新区|高新区|园|区", owner)):
                yield Span(span.start, end, owner, "Enterprise", "nested.project_owner", 10, sid=span.sid)
        elif span.label == "Enterprise":
            i = span.text.find("集团")
            if 2 <= i and i + 2 < len(span.text):
                yield Span(span.start, span.start + i + 2, span.text[:i + 2], "Enterprise", "nested.group", 10, sid=span.sid)


_LIST_STOP = ",。;:!?()“”《》"


@extractor("list")
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
                label = None
                entry = lex.lookup(name)
                if entry is not None:
                    label = entry.label
                elif not re.search(r"(?<=.)[及和与]", name):
                    for k in ctx.affixes.suffix_lengths:
                        info = ctx.affixes.suffix_info.get(name[-k:]) if len(name) > k else None
                        if info is not None and not generic_stem(lex, name[:-k]) and (
                                info[1] or strong_stem(ctx, sid, s, e - k)):
                            label = info[0]
                            break
                typed.append((s, e, name, label))
            n_ent = sum(1 for *_, lab in typed if lab == "Enterprise")
            n_ind = sum(1 for *_, name, lab in typed if (lab == "Industry" and len(name) >= 3) or (
                lab is None and name.endswith(ctx.affixes.industry_heads)))
            if n_ind >= 2 and n_ind * 2 >= len(typed):
                for s, e, name, label in typed:
                    if label in (None, "Industry") and not any(c in name for c in "的是有在了把被对将"):
                        yield from industry_items(ctx, sid, s, e, "list.industry", allow_unknown=True)
                continue
            for s, e, name, label in typed:
                if e - s < 2 or not all(_is_name_char(c) or c in "()" for c in name):
                    continue
                if label in ("Enterprise", "Organization") and entry_free(lex, name):
                    yield Span(s, e, name, label, f"list.{label.lower()}", priority=17, sid=sid)
                elif label is None and n_ent >= 2 and e - s <= 8 and entry_free(lex, name):
                    yield Span(s, e, name, "Enterprise", "list.propagate", priority=12, sid=sid)


def entry_free(lex: Lexicon, name: str) -> bool:
    return not (lex.is_generic(name) or name in lex.suppressed or generic_stem(lex, name))
