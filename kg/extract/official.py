"""Officials: person names next to post titles, and the title strings themselves."""

from __future__ import annotations

from typing import Iterator

from ..model import Span
from .context import PUNCT, Context


def official_spans(ctx: Context) -> Iterator[Span]:
    """Person names next to post titles: `总经理张小奇说`, `习近平总书记`, `省长 任振鹤`."""
    for sid, sent in enumerate(ctx.doc.sentences):
        for name_s, name_e, _posts, _org_end in post_strings(ctx, sid):
            if name_s is not None:
                yield Span(name_s, name_e, ctx.text[name_s:name_e], "Official", "official.title_name",
                           priority=40, sid=sid)


def speaker(ctx: Context, spans: list[Span]) -> None:
    """A line that is only `POST NAME` before the body is the speaker of a speech: sets
    doc.metadata speaker (and authors, unless ingest found them)."""
    doc = ctx.doc
    for s in spans:
        if s.type == "Official" and s.sid < 8:
            sent = doc.sentences[s.sid]
            if s.end == sent.end and len(sent.text) <= 30:
                doc.metadata.setdefault("speaker", s.text)
                doc.metadata.setdefault("authors", [s.text])
                return


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


def post_strings(ctx: Context, sid: int) -> list:
    """`find_post_strings` of one sentence, found once per document: extraction, resolution (the
    author-note officials) and the officials rule all read them."""
    key = ("post_strings", sid)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = list(find_post_strings(ctx, sid))
    return found


def find_post_strings(ctx: Context, sid: int):
    """Title strings: [ORG] POST(、POST)* NAME or NAME POST. Yields (name_s, name_e, posts, org_end)
    where posts is a list of (start, end) and org_end is where the serving body's name ends."""
    sent = ctx.doc.sentences[sid]
    text = ctx.text
    for group, segments in _title_groups(ctx, sid):
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
        ns = _name_before(ctx, sid, first_s)
        if ns is not None:
            yield ns, first_s, posts, None
        else:
            yield None, None, posts, first_s


def _title_groups(ctx: Context, sid: int):
    """The post titles of a sentence grouped into title strings: (group of post hits, the indexes
    in the group where a post with its own body starts, 省委常委、成都市委书记)."""
    sent = ctx.doc.sentences[sid]
    text = ctx.text
    hits = ctx.affixes.posts.find(text, sent.start, sent.end)
    links = ctx.lex.words("post_link")
    # body names by their end (and start): a later post in a title string may name its own body
    bodies = {g.end: g.start for g in ctx.gaz_spans(sid) if g.type in ("Region", "Zone", "Organization")}
    i = 0
    while i < len(hits):
        group = [hits[i]]
        segments = [0]
        while i + 1 < len(hits):
            gap = text[group[-1][2]:hits[i + 1][1]]
            if hits[i + 1][1] - group[-1][2] <= 1 and (gap == "" or gap in links):
                pass
            elif gap.startswith("、") and 2 <= len(gap) <= 12 and (
                    bodies.get(hits[i + 1][1]) == group[-1][2] + 1 or bodies.get(hits[i + 1][1] + 1) == group[-1][2] + 1):
                segments.append(len(group))
            else:
                break
            i += 1
            group.append(hits[i])
        i += 1
        yield group, segments


def _name_before(ctx: Context, sid: int, first_s: int) -> int | None:
    """Where a person's name right before a single post starts (习近平总书记), if there is one."""
    sent = ctx.doc.sentences[sid]
    text = ctx.text
    if first_s - sent.start < 2:
        return None
    for n in (3, 2):
        ns = first_s - n
        if ns >= sent.start and person_name_at(ctx, sid, ns) == first_s and (
                ns == sent.start or text[ns - 1] in PUNCT or text[ns - 1] in ctx.lex.words("name_before_char")):
            return ns
    return None
