"""Officials: person names next to post titles, and the title strings themselves.

A title string is `[BODY] POST(、[BODY] POST)* NAME(、NAME)*` or `NAME POST`. A post is a title
of posts.tsv with the qualifiers and body words written before it (党工委专职副书记, 市人大常委会
主任, 一级调研员: triggers.tsv post_qualifier, post_body, post_level). The name after a post is
read by what follows it (punctuation, a speech verb, any verb, adverb, preposition or particle),
not by a list of the verbs that may follow a name.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from ..model import Span
from .context import PUNCT, Context, _known_word

_NAME_TAGS = frozenset(("nr", "nrfg", "nrt", "oov"))
_DICT_NAME_TAGS = frozenset(("nr", "nrfg", "nrt"))
# jieba tags of a word that may follow a person's name: verbs, adverbs, prepositions,
# conjunctions, particles and pronouns (张三陪同, 张三一同, 张三与, 张三的, 张三各位)
_FOLLOW_TAGS = frozenset(("v", "vd", "vi", "vn", "vg", "d", "p", "c", "u", "uj", "ul", "uz", "ug", "ud", "uv", "r", "l"))
# jieba tags of a place or an organisation's (short) name (国科大 of 国科大党委副书记)
_ABBR_TAGS = frozenset(("j", "nt", "ns", "nz"))
# jieba tags of an ordinary word (信心 of 有信心), not a given name
_WORD_TAGS = frozenset(("n", "vn", "v", "a", "an", "ad", "d", "p", "c", "u", "uj", "r", "m", "q", "f", "t"))


class Post(NamedTuple):
    """A post title at text[start:end]; its base title (书记 of 党工委专职副书记) begins at base."""

    start: int
    end: int
    base: int


class TitleString(NamedTuple):
    """One person's posts in a title string: the name (None when the string names nobody), the
    posts sharing one body, and where that body's name ends (the first post's start)."""

    name_s: int | None
    name_e: int | None
    posts: list
    org_end: int


class TitleRules:
    """What the title reader needs from the lexicon, derived once per lexicon (cached on Affixes)."""

    def __init__(self, ctx: Context):
        lex = ctx.lex
        self.prefixes = sorted(set(lex.words("post_qualifier")) | set(lex.words("post_body")), key=len, reverse=True)
        self.levels = sorted(lex.words("post_level"), key=len, reverse=True)
        self.bodies = sorted(lex.words("post_body"), key=len, reverse=True)
        followers = (set(ctx.affixes.name_followers) | set(lex.words("name_follower")) | set(lex.words("function_word"))
                     | set(lex.words("conjunction")))
        ordered = sorted(followers, key=len, reverse=True)
        self.follower_rx = re.compile("|".join(map(re.escape, ordered))) if ordered else re.compile("(?!)")
        self.one_char = frozenset(w for w in followers if len(w) == 1)
        self.links = sorted(lex.words("post_link"), key=len, reverse=True)


def rules(ctx: Context) -> TitleRules:
    found = getattr(ctx.affixes, "_title_rules", None)
    if found is None:
        found = ctx.affixes._title_rules = TitleRules(ctx)
    return found


# ---------------------------------------------------------------------------- extraction

def official_spans(ctx: Context) -> Iterator[Span]:
    """Person names next to post titles (`总经理王晓川说`, `习近平总书记`, `省长 林一舟`,
    `副主任A、B、C出席`), then the same names wherever else the document writes them."""
    names: dict[str, None] = {}
    for sid in range(len(ctx.doc.sentences)):
        seen = set()
        for ts in post_strings(ctx, sid):
            if ts.name_s is not None and ts.name_s not in seen:
                seen.add(ts.name_s)
                names.setdefault(ctx.text[ts.name_s:ts.name_e])
                yield Span(ts.name_s, ts.name_e, ctx.text[ts.name_s:ts.name_e], "Official", _name_rule(ctx, sid, ts),
                           priority=40, sid=sid)
    yield from _same_names(ctx, names)


def _name_rule(ctx: Context, sid: int, ts: TitleString) -> str:
    memo = ctx.memo.get(("official_rule", sid), {})
    return memo.get(ts.name_s, "official.title_name")


def _same_names(ctx: Context, names: dict) -> Iterator[Span]:
    """One sense per discourse: a name the document gives with a title is that Official wherever
    else it stands alone (刘建洋讲话), when it is not inside a longer word."""
    if not names:
        return
    text = ctx.text
    rx = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
    for sid, sent in enumerate(ctx.doc.sentences):
        for m in rx.finditer(text, sent.start, sent.end):
            s, e = m.span()
            if s > sent.start and _is_han(text[s - 1]) and not _token_starts(ctx, sid, s):
                continue
            if e < sent.end and _is_han(text[e]) and not _token_starts(ctx, sid, e):
                continue
            yield Span(s, e, m.group(), "Official", "official.same_name", priority=5, sid=sid)


def speaker(ctx: Context, spans: list[Span]) -> None:
    """A line that is only `POST NAME` before the body is the speaker of a speech: sets
    doc.metadata speaker (and authors, unless ingest found them)."""
    doc = ctx.doc
    for s in spans:
        if s.type == "Official" and s.sid < 8 and s.rule != "official.same_name":
            sent = doc.sentences[s.sid]
            if s.end == sent.end and len(sent.text) <= 30:
                doc.metadata.setdefault("speaker", s.text)
                doc.metadata.setdefault("authors", [s.text])
                return


# ---------------------------------------------------------------------------- person names

def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _listed_follower(ctx: Context, e: int) -> bool:
    m = rules(ctx).follower_rx.match(ctx.text, e)
    return m is not None and len(m.group()) >= 2


def _token_starts(ctx: Context, sid: int, pos: int) -> bool:
    return any(t[0] == pos for t in ctx.tokens(sid))


def _token_from(ctx: Context, sid: int, pos: int):
    """The jieba token that starts at pos: from the sentence's tokens, else from tagging the few
    characters from pos on (a name glued to the next word shifts jieba's boundaries)."""
    tok = next((t for t in ctx.tokens(sid) if t[0] == pos), None)
    if tok is not None:
        return tok[2], tok[3]
    end = min(ctx.doc.sentences[sid].end, pos + 4)
    tagged = ctx.segment(ctx.text[pos:end])
    return tagged[0] if tagged else ("", "")


def follows_name(ctx: Context, sid: int, e: int) -> int:
    """How clearly a person's name may end at e: 2 at the sentence end, punctuation, or a word of
    two or more characters that follows names (speech verbs, posts, any verb, adverb, preposition,
    conjunction or particle); 1 the same of one character (与, 在, 说); 0 otherwise."""
    text = ctx.text
    if e >= ctx.doc.sentences[sid].end or text[e] in PUNCT or text[e].isspace():
        return 2
    m = rules(ctx).follower_rx.match(text, e)
    if m and (len(m.group()) >= 2 or e + 1 >= ctx.doc.sentences[sid].end or text[e + 1] in PUNCT):
        return 2  # 表示, or 说 before punctuation (梁磊文说,)
    word, tag = _token_from(ctx, sid, e)
    if tag in _FOLLOW_TAGS and _known_word(word):
        return 2 if len(word) >= 2 else 1
    return 1 if m else 0


def _surname_len(ctx: Context, pos: int) -> int:
    text, surnames = ctx.text, ctx.lex.surnames
    return 2 if text[pos:pos + 2] in surnames else 1 if text[pos:pos + 1] in surnames else 0


def person_name_at(ctx: Context, sid: int, pos: int) -> int | None:
    """End of a 2-3 character person name starting at pos (surname + given name), or None.

    The name ends where something that follows names begins (`follows_name`); see `_name_end`."""
    text = ctx.text
    sn = _surname_len(ctx, pos)
    if not sn or not _may_open_name(ctx, sid, pos, sn):
        return None
    end_limit = ctx.doc.sentences[sid].end
    e2, e3 = pos + sn + 1, pos + sn + 2
    if e2 > end_limit or not all(_is_han(c) for c in text[pos:e2]):
        return None
    return _name_end(ctx, sid, pos, e2, e3 if e3 <= end_limit and _is_han(text[e2]) else None)


def _may_open_name(ctx: Context, sid: int, pos: int, sn: int) -> bool:
    """The surname at pos may open a name here, by jieba's reading of what follows."""
    tokens = ctx.tokens(sid)
    given = any(t[0] == pos + sn and t[3] in _NAME_TAGS for t in tokens)
    if ctx.text[pos] in rules(ctx).one_char and not (given or _name_token(ctx, sid, pos, (pos + sn + 1, pos + sn + 2))):
        return False  # a surname that is also a function word (于, 和) needs jieba to see a name
    tok = next((t for t in tokens if t[0] == pos), None)
    if tok is None:
        return True
    if len(tok[2]) >= 2 and tok[3] not in _NAME_TAGS | {"ns", "nz"}:
        return False  # an ordinary word that happens to start with a surname (强调, 高度)
    # a surname jieba reads as a verb before an ordinary word (有|信心; not 何|洪涛, 戴|彬彬)
    return not (tok[1] == pos + sn and tok[3] in _FOLLOW_TAGS and any(t[0] == pos + sn and t[3] in _WORD_TAGS for t in tokens))


def _name_end(ctx: Context, sid: int, pos: int, e2: int, e3: int | None) -> int | None:
    """Which reading of a name ends it. A two-character one when a word that follows names starts
    at its third character (余华|总书记, 王俊|说道); a three-character one when a word of two or more
    characters follows it (宋军继|一同), unless its third character is itself a one-character
    follower that jieba does not read as part of a known name (王俊|说,); then a two-character
    one before such a word; then the readings before a one-character follower (王存文|与, 刘鼎新|及,
    林武|到) where jieba's tokens agree, or where only the three-character one fits."""
    text = ctx.text
    m = rules(ctx).follower_rx.match(text, e2)
    if m and len(m.group()) >= 2:
        return e2
    f2 = follows_name(ctx, sid, e2)
    f3 = follows_name(ctx, sid, e3) if e3 is not None else 0
    split_at_third = text[e2:e2 + 1] in rules(ctx).one_char and _token_starts_or_glued(ctx, sid, pos, e2, e3)
    if f3 == 2 and not split_at_third:
        return e3
    if f2 == 2:
        return e2
    if f3 == 1 and (_name_token(ctx, sid, pos, (e3,)) or _token_starts(ctx, sid, e3) or _glued(ctx, sid, pos, e3)):
        return e3
    if f2 == 1 and (_token_starts(ctx, sid, e2) or split_at_third):
        return e2
    if f3 == 1 and f2 == 0:
        return e3  # 林一武|到 (jieba: 林一|武到): no two-character reading ends well
    return None


def _glued(ctx: Context, sid: int, pos: int, e: int) -> bool:
    """jieba glued the one-character follower at e to an unknown name (高鼎文及)."""
    return any(t[0] == pos and t[1] == e + 1 and t[3] == "oov" for t in ctx.tokens(sid))


def _name_token(ctx: Context, sid: int, pos: int, ends: tuple) -> bool:
    """jieba reads text[pos:e] as one name-like token for one of the ends."""
    return any(t[0] == pos and t[1] in ends and t[3] in _NAME_TAGS for t in ctx.tokens(sid))


def _token_starts_or_glued(ctx: Context, sid: int, pos: int, e2: int, e3: int | None) -> bool:
    """The third character is a one-character follower (说, 在) unless jieba knows the three
    characters as a name (张向东): jieba either splits there or glues it to an unknown name."""
    return not any(t[0] == pos and t[1] == e3 and t[3] in _DICT_NAME_TAGS for t in ctx.tokens(sid))


def dotted_name_at(ctx: Context, sid: int, pos: int) -> int | None:
    """End of a transliterated name with middle dots (艾尔肯·吐尼亚孜, 蒂姆·库克): the shortest
    reading that a word that follows names ends (patterns.tsv official.dotted_name)."""
    m = ctx.lex.pattern("official.dotted_name").match(ctx.text, pos, ctx.doc.sentences[sid].end)
    if m is None:
        return None
    last_dot = max(m.group().rfind(d) for d in m.group() if not _is_han(d)) + pos
    for e in range(last_dot + 2, m.end() + 1):
        if follows_name(ctx, sid, e) == 2:
            return e
    return None


def listed_name_at(ctx: Context, sid: int, pos: int, *, strict: bool) -> int | None:
    """A 2-3 character name without a known surname (更藏, 三措): one word no dictionary knows and
    no lexicon names, bounded by punctuation or a word that follows names; `strict` (not in a
    title list): only punctuation or a listed follower (speech verbs: 法建强主持), not any verb."""
    text = ctx.text
    sent = ctx.doc.sentences[sid]
    for e in (pos + 3, pos + 2):
        if e > sent.end or not _unknown_word(ctx, sid, pos, e):
            continue
        if strict and not (e == sent.end or text[e] in PUNCT or _listed_follower(ctx, e)):
            continue
        if follows_name(ctx, sid, e) == 2:
            return e
    return None


def _unknown_word(ctx: Context, sid: int, pos: int, e: int) -> bool:
    """text[pos:e] is Han characters that no dictionary and no lexicon knows, read by jieba as
    unknown words or single characters (三措, 尕|藏; not 致辞|后), starting with no function word."""
    text = ctx.text
    tokens = ctx.tokens(sid)
    if not all(_is_han(c) for c in text[pos:e]) or (
            text[pos] in rules(ctx).one_char and not any(t[0] == pos and t[1] == e for t in tokens)):
        return False
    if _known_word(text[pos:e]) or any(g.start < e and pos < g.end for g in ctx.gaz_spans(sid)):
        return False
    return not any(t[0] < e < t[1] or (pos <= t[0] and t[1] <= e and t[1] - t[0] >= 2 and _known_word(t[2]))
                   for t in tokens)


# ---------------------------------------------------------------------------- title strings

def post_strings(ctx: Context, sid: int) -> list:
    """`find_post_strings` of one sentence, found once per document: extraction, resolution (the
    author-note officials) and the officials rule all read them."""
    key = ("post_strings", sid)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = list(find_post_strings(ctx, sid))
    return found


def find_post_strings(ctx: Context, sid: int) -> Iterator[TitleString]:
    """Title strings: [ORG] POST(、POST)* NAME(、NAME)* or NAME POST. One TitleString per name
    and run of posts that share a body (a post after a body of its own starts a new run)."""
    sent = ctx.doc.sentences[sid]
    groups = list(_title_groups(ctx, sid))
    listed = len(groups) >= 2
    for group, segments in groups:
        names = _names_after(ctx, sid, group[-1].end, listed) if group[-1].end < sent.end else []
        if not names:
            ns = _name_before(ctx, sid, group)
            names = [(ns, group[0].start)] if ns is not None else []
        for name_s, name_e in names:
            for a, b in zip(segments, segments[1:] + [len(group)]):
                yield TitleString(name_s, name_e, group[a:b], group[a].start)
        if not names:
            yield TitleString(None, None, group, group[0].start)


def _names_after(ctx: Context, sid: int, pos: int, listed: bool) -> list[tuple[int, int]]:
    """The names after a run of posts (optionally after one space): one, or a 、 list of them
    (管委会副主任A、B、C出席); names without a known surname only in list positions."""
    text = ctx.text
    sent = ctx.doc.sentences[sid]
    rule_memo = ctx.memo.setdefault(("official_rule", sid), {})
    pos += 1 if text[pos:pos + 1] == " " else 0
    end = dotted_name_at(ctx, sid, pos)
    if end is not None:
        rule_memo[pos] = ctx.lex.rule("official.dotted_name")
        return [(pos, end)]
    end = person_name_at(ctx, sid, pos)
    if end is None:
        end = listed_name_at(ctx, sid, pos, strict=not (listed or _list_after(ctx, sid, pos)))
        if end is not None:
            rule_memo[pos] = "official.listed_name"
    if end is None:
        return []
    names = [(pos, end)]
    while end < sent.end - 2 and text[end] == "、" and not ctx.affixes.posts.find(text, end + 1, min(sent.end, end + 5)):
        nxt = person_name_at(ctx, sid, end + 1) or listed_name_at(ctx, sid, end + 1, strict=False)
        if nxt is None or text[nxt:nxt + 1] not in PUNCT and follows_name(ctx, sid, nxt) < 2 and not text.startswith(ctx.lex.words("enum_etc"), nxt):
            break
        rule_memo[end + 1] = "official.title_list"
        names.append((end + 1, nxt))
        end = nxt
    return names


def _list_after(ctx: Context, sid: int, pos: int) -> bool:
    """A `、` list of names follows pos (A、B、C): the first item may lack a known surname."""
    text = ctx.text
    return any(text[pos + n:pos + n + 1] == "、" and (person_name_at(ctx, sid, pos + n + 1) is not None)
               for n in (2, 3))


def _title_groups(ctx: Context, sid: int):
    """The posts of a sentence grouped into title strings: (group of Posts, the indexes in the
    group where a post with its own body starts: 省委常委、成都市委书记; 市委常委、统战部部长)."""
    posts = _posts(ctx, sid)
    i = 0
    while i < len(posts):
        group = [posts[i]]
        segments = [0]
        while i + 1 < len(posts):
            nxt = posts[i + 1]
            link = _link_len(ctx, group[-1].end, nxt.start)
            if link is None:
                break
            if nxt.start > group[-1].end + link:
                segments.append(len(group))   # a body between: 、统战部部长, 、南昌市委书记
            i += 1
            group.append(nxt)
        i += 1
        yield group, segments


def _link_len(ctx: Context, end: int, nxt: int) -> int | None:
    """How long the link between two posts of one person is (、, 兼, `,、`), when what follows it up
    to the next post is empty or one body's name (up to 12 name characters); None: no link."""
    text = ctx.text
    if end == nxt:
        return 0
    link = next((w for w in rules(ctx).links if text.startswith(w, end)), None)
    if link is None:
        return None
    body = text[end + len(link):nxt]
    if len(body) > 12 or any(c in PUNCT for c in body):
        return None
    return len(link)


def _posts(ctx: Context, sid: int) -> list[Post]:
    """The post titles of a sentence, each widened over the qualifiers and body words written
    before it (专职副书记, 党工委专职副书记, 自治区常务副主席); a title that is the head of a
    longer word (主席团, 书记处, 委员会) is none."""
    sent = ctx.doc.sentences[sid]
    text = ctx.text
    r = rules(ctx)
    found = []
    floor = sent.start
    for title, s, e in ctx.affixes.posts.find(text, sent.start, sent.end):
        if _inside_word(ctx, sid, s, e):
            continue
        start = s
        while start > floor:
            w = next((p for p in r.prefixes if text.startswith(p, start - len(p)) and start - len(p) >= floor), None)
            if w is None:
                break
            start -= len(w)
        lv = next((p for p in r.levels if text.startswith(p, start - len(p)) and start - len(p) >= floor), None)
        if lv and (start - len(lv) == sent.start or text[start - len(lv) - 1] in PUNCT):
            start -= len(lv)  # 市人大常委会主任 written bare, not 扬中市|人大常委会主任
        body = next((w for w in r.bodies if title.startswith(w) and len(w) < len(title)), "")
        found.append(Post(start, e, s + len(body)))  # the base of 市委书记 is 书记
        floor = e
    return found


def _inside_word(ctx: Context, sid: int, s: int, e: int) -> bool:
    """The post at text[s:e] is the head or tail of a longer dictionary word (主席团, 委员会长)."""
    prefixes = tuple(rules(ctx).prefixes)
    for a, b, word, _tag in ctx.tokens(sid):
        if s <= a < e < b and _known_word(word) and word not in ctx.lex.posts:
            return True
        if a < s < b < e and _known_word(word) and word not in ctx.lex.posts and not word.endswith(prefixes):
            return True
        if b > e:
            break
    return False


def _name_before(ctx: Context, sid: int, group: list) -> int | None:
    """Where a person's name right before a single post starts (习近平总书记), if there is one: a
    party, government or legislature post, and a name that is not a known name of something else
    (国科大党委副书记, 华为副董事长)."""
    if len(group) != 1 or ctx.lex.posts.get(ctx.text[group[0].base:group[0].end]) in ("enterprise", "institute"):
        return None
    sent = ctx.doc.sentences[sid]
    text = ctx.text
    first_s = group[0].start
    if first_s - sent.start < 2:
        return None
    for n in (3, 2):
        ns = first_s - n
        if ns >= sent.start and person_name_at(ctx, sid, ns) == first_s and (
                ns == sent.start or text[ns - 1] in PUNCT or text[ns - 1] in ctx.lex.words("name_before_char")) and (
                not any(g.start < first_s and ns < g.end for g in ctx.gaz_spans(sid))) and (
                _reads_as_name(ctx, sid, ns, first_s)):
            return ns
    return None


def _reads_as_name(ctx: Context, sid: int, s: int, e: int) -> bool:
    """jieba reads text[s:e] as a person's name: a name of its dictionary (习近平), or three
    characters with no place or organisation abbreviation in them (not 华科, 国科大)."""
    inside = [t for t in ctx.tokens(sid) if s <= t[0] < e]
    if any(t[3] in _ABBR_TAGS or t[1] > e for t in inside):
        return False
    return e - s >= 3 or any(t[3] in _DICT_NAME_TAGS for t in inside)
