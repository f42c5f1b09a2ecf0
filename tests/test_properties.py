"""Properties over arbitrary input (hypothesis), issue 7: normalisation is idempotent and keeps
lengths; every sentence, span and evidence offset points at its text; whatever is extracted comes
back unchanged from Turtle in rdflib and pyoxigraph; no byte string makes ingest or processing
raise anything but InputError, and a build with such a file still builds the others.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import kg.text as N
from kg.errors import InputError
from kg.ingest.reader import MAX_SENTENCE, make_document, read_document

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))

# Pieces of real and hostile text: names and triggers the extractors react to, punctuation, line
# ends, controls, invisible characters, emoji, combining marks, full-width forms, pinyin glosses
# and HTML fragments, so random documents exercise the rules and the cleaning, not just noise.
_PIECES = st.sampled_from([
    "兰州新区", "甘肃省", "兰州市", "位于", "落户", "重点发展", "生物医药", "新材料", "产业", "有限公司", "集团",
    "研究院", "省长", "张三", "、", "和", "等企业", "禾润达(兰州)", "蘭州新區(qū)", "經濟", "“", "”", "《", "》",
    "。", ",", ";", "!", "?", ":", " ", "\u3000", "\t", "\n", "\r\n", "\r", "\x85", "\u2028", "\x00", "\x07",
    "\x1b[31m", "\x9f", "\u200b", "\u200d", "\ufeff", "\u202e", "\ufe0f", "😀", "👨\u200d👩\u200d👧", "🇨🇳",
    "e\u0301", "ｅ\u0301", "ＡＢＣ", "１２３", "\ufffd", "<p>", "</p>", "<br>", "&amp;", "&nbsp;", "&#20848;", "<script>x</script>",
    "<!DOCTYPE html>", "\\", '"', "'", "<", ">", "#", "@", "http://x/y", "2024年3月5日", "来源:兰州日报",
])
MIXED = st.lists(_PIECES, max_size=40).map("".join)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)
TEXTS = st.one_of(MIXED, ANY_TEXT)


# ---------------------------------------------------------------------------- normalisation


@SETTINGS
@given(text=TEXTS)
@example(text="ｅ\u0301")
@example(text="區(qū)(qū)")
@example(text="e\u200b\u0301")
@example(text="區(qu\u0304)")
def test_normalisation_is_idempotent_for_any_text(text):
    once = N.run(text)
    assert N.run(once) == once
    simplified, original = N.normalize(text)
    assert len(simplified) == len(original)
    assert N.normalize(simplified) == (simplified, simplified)
    assert N.normalize(original)[1] == original


@SETTINGS
@given(text=TEXTS)
def test_normalised_text_has_no_controls_or_invisible_characters(text):
    import unicodedata

    out = N.run(text)
    assert "\r" not in out
    assert all(ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf") for ch in out)


# ---------------------------------------------------------------------------- offsets


def _check_offsets(doc) -> None:
    text = doc.text
    assert len(doc.original) == len(text)
    prev_end = 0
    for sent in doc.sentences:
        assert prev_end <= sent.start < sent.end <= len(text)
        assert text[sent.start:sent.end] == sent.text
        assert len(sent.text) <= MAX_SENTENCE
        prev_end = sent.end


@SETTINGS
@given(text=TEXTS)
def test_every_sentence_span_and_evidence_points_at_its_text(text):
    from kg.extract.context import Context
    from kg.extract.registry import extract
    from kg.build.document import process_document, resources

    doc = make_document(text)
    _check_offsets(doc)
    lex, gaz, aff = resources(())
    for span in extract(Context(doc, lex, gaz, aff)):
        assert doc.text[span.start:span.end] == span.text
        sent = doc.sentences[span.sid]
        assert sent.start <= span.start < span.end <= sent.end
    result = process_document(make_document(text))
    sentences = {(s.start, s.end, s.text) for s in doc.sentences}
    for fact in result.facts:
        assert (fact.sent_start, fact.sent_end, fact.sentence) in sentences


@SETTINGS
@given(text=MIXED)
def test_html_like_text_never_breaks_ingest(text):
    doc = make_document("<html><body>" + text)
    _check_offsets(doc)
    assert "<p>" not in doc.text and "&amp;" not in doc.text


# ---------------------------------------------------------------------------- extract -> Turtle


_counter = itertools.count()


def _round_trip(tmp: Path, names: list[str], sentence: str) -> tuple[set, set]:
    """Write a user lexicon with `names` and a document mentioning them; return the entity
    labels the pipeline extracted and the labels the Turtle gives back (checked in both parsers)."""
    import pyoxigraph as ox
    from rdflib import RDFS, Graph
    from rdflib.namespace import SKOS

    from kg.build.document import process_path
    from oracles import graph_turtle, merge

    n = next(_counter)
    lexicon = tmp / f"lex{n}.tsv"   # a new path each time: lexicons are cached by path
    lexicon.write_text("name\ttype\taliases\n" + "".join(f"{nm}\tEnterprise\t\n" for nm in names), encoding="utf-8")
    doc = tmp / f"doc{n}.txt"
    doc.write_text("".join(sentence.format(nm) for nm in names), encoding="utf-8")
    lexicons = (str(lexicon),)
    result = process_path(doc, "corpus/doc.txt", lexicons)
    ttl, stats = graph_turtle([result], lexicons=lexicons)
    g = Graph().parse(data=ttl, format="turtle")
    store = ox.Store()
    store.load(ttl.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(g) == stats["triples"]
    entities = merge([result])[0]
    held = {e.name for e in entities.values()} | {a for e in entities.values() for a in e.aliases}
    back = {str(o) for p in (RDFS.label, SKOS.altLabel) for o in g.objects(None, p)}
    ox_back = {q.object.value for q in store if q.predicate.value in (str(RDFS.label), str(SKOS.altLabel))}
    assert back == ox_back
    return held, back


# Names a TSV cell can hold: no tab or line break, not starting with the comment mark.
_CELL = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                              exclude_characters="\t\n\r\x0b\x0c\x1c\x1d\x1e\x85"), min_size=2, max_size=20).filter(
    lambda s: s.strip() and not s.lstrip().startswith("#") and len(N.run(s).strip()) >= 2)
# Hostile but name-like: CJK with RDF-syntax characters, no sentence ends, spaces or markup.
_HOSTILE_NAME = st.builds(lambda head, rest: head + rest + "有限公司",
                          st.sampled_from("兰甘陇天金"),
                          st.text(st.sampled_from(list("州肃南科技中新材料") + list("\"\\'<>#@{}|^`%_:./-=+*$()[]") + ["😀", "𠮷"]),
                                  min_size=1, max_size=12))


@FEW
@given(names=st.lists(_CELL, min_size=1, max_size=4, unique=True))
def test_whatever_is_extracted_comes_back_from_turtle(names):
    with tempfile.TemporaryDirectory() as tmp:
        held, back = _round_trip(Path(tmp), names, "{}落户兰州新区。\n")
    assert held <= back


@FEW
@given(names=st.lists(_HOSTILE_NAME, min_size=1, max_size=4, unique=True))
@example(names=['兰"""\\<http://x/>#@zh有限公司', "甘{}|^`%20有限公司"])
def test_hostile_names_are_labels_exactly(names):
    from kg.extract.lexicon import clean

    with tempfile.TemporaryDirectory() as tmp:
        held, back = _round_trip(Path(tmp), names, "{}落户兰州新区。\n")
    assert {clean(n) for n in names} <= back
    assert held <= back


# ---------------------------------------------------------------------------- arbitrary bytes


_TEXT_BYTES = st.builds(lambda t, enc: t.encode(enc, "replace"), MIXED,
                        st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "utf-16-le", "utf-32"]))
_PREFIXES = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00",
                             b"%PDF-", b"PK\x03\x04", b"<html>", b"\x00"])


def _damage(data: bytes, edits: list) -> bytes:
    out = bytearray(data)
    for pos, byte in edits:
        if out:
            out[pos % len(out)] = byte
    return bytes(out)


BYTES = st.one_of(
    st.binary(max_size=600),
    st.builds(lambda p, d: p + d, _PREFIXES, st.binary(max_size=200)),
    st.builds(_damage, _TEXT_BYTES, st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4)),
    st.builds(lambda d, k: d[:max(0, len(d) - k)], _TEXT_BYTES, st.integers(0, 3)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=BYTES)
def test_reading_any_bytes_gives_a_document_or_one_input_error(data):
    from kg.build.document import process_document

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.txt"
        path.write_bytes(data)
        try:
            doc = read_document(path, warnings=[])
        except InputError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
            return
    assert doc.text.strip()
    _check_offsets(doc)
    process_document(doc)


@FEW
@given(data=BYTES)
def test_build_with_any_bytes_builds_the_good_document(data):
    from kg.build import build

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / "any.txt").write_bytes(data)
        (corpus / "good.txt").write_text("兰州新区位于甘肃省兰州市。\n", encoding="utf-8")
        report = build([corpus], Path(tmp) / "out", jobs=1)
        assert report.documents + len(report.failed) == 2
        assert str(corpus / "good.txt") not in dict(report.failed)
        assert Path(report.output).stat().st_size > 0

