"""Issue 7: bad, big and hostile input. Every input is either read correctly or refused with one
line naming the file and the reason; one bad document never stops the others; output files are
replaced atomically; hostile names give valid Turtle that round-trips; output does not depend on
file order.

Binary and oddly encoded fixtures are generated here; tests/data/hostile/ holds only text.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.errors import InputError, KgError
from kg.ingest.reader import MAX_SENTENCE, decode, iso_date, make_document, read_document, split_sentences
from kg.rdf.vocab import NS

K = Namespace(NS)
HOSTILE = Path(__file__).parent / "data" / "hostile"
ROOT = Path(__file__).resolve().parent.parent

BODY = "兰州新区位于甘肃省兰州市。兰州新区重点发展生物医药产业。禾润达(兰州)膜材料有限公司落户兰州新区。\n"
TRAD_BODY = "蘭州新區位於甘肅省蘭州市。蘭州新區重點發展生物醫藥產業。\n"
ZONE = "兰州新区"
LINE = "兰州新区位于甘肃省兰州市兰州新区重点发展生物医药产业禾润达膜材料有限公司落户兰州新区"  # no punctuation


def _interleave(text: str, junk: str) -> str:
    """junk after every character of text (cycling through junk's characters)."""
    return "".join(ch + junk[i % len(junk)] for i, ch in enumerate(text))


def _damaged_utf8() -> bytes:
    good = (BODY * 40).encode("utf-8")
    cut = good.index("。".encode(), len(good) // 2) + 3  # between two sentences
    return good[:cut] + b"\xff\xc0" + good[cut:]


def _random_bytes(seed: int, n: int, *, nul: bool) -> bytes:
    rnd = random.Random(seed)
    data = bytes(rnd.randrange(0 if nul else 1, 256) for _ in range(n))
    return data if nul else data.replace(b"\x00", b"\x01")


CONTROLS = "".join(map(chr, [*range(1, 9), *range(0x0E, 0x20), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0)]))
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202e\u2066\u2069\u180e\ufe0f"


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    reason: str | None = None   # None: read and processed; else part of the one-line refusal


# Each readable case carries BODY (or its traditional form), so "processed correctly" means:
# the zone 兰州新区 is found in that document.
CASES = [
    Case("gbk.txt", BODY.encode("gbk")),
    Case("gb18030_4byte.txt", (BODY + "𠮷€").encode("gb18030")),
    Case("big5.txt", TRAD_BODY.encode("big5")),
    Case("cp950_eten.txt", (TRAD_BODY + "裏碁恒銹\n").encode("cp950")),
    Case("utf16le_bom.txt", b"\xff\xfe" + BODY.encode("utf-16-le")),
    Case("utf16be_bom.txt", b"\xfe\xff" + BODY.encode("utf-16-be")),
    Case("utf16le_no_bom.txt", BODY.encode("utf-16-le")),
    Case("utf16_bom_damaged.txt", b"\xff\xfe" + (BODY * 60).encode("utf-16-le") + b"\x00\xd8" + b"A"),
    Case("utf32_bom.txt", BODY.encode("utf-32")),
    Case("utf8_bom_crlf.txt", b"\xef\xbb\xbf" + BODY.replace("\n", "\r\n").encode() * 2),
    Case("lone_cr.txt", BODY.replace("\n", "\r").encode() * 2),
    Case("damaged_utf8.txt", _damaged_utf8()),
    Case("truncated_utf8.txt", BODY.encode() + "兰".encode()[:2]),
    Case("html_page.txt", (HOSTILE / "news_page.txt").read_bytes()),
    Case("entity_residue.txt", BODY.replace("位于", "&nbsp;位于&amp;").encode()),
    Case("control_chars.txt", _interleave(BODY, CONTROLS).encode()),
    Case("zero_width.txt", _interleave(BODY, INVISIBLE).encode()),
    Case("emoji.txt", BODY.replace("。", "🚀👍🏽。🇨🇳").replace("位于", "👨‍👩‍👧位于").encode()),
    Case("long_line.txt", (LINE * 1200).encode()),   # ~150 KB on one line, no punctuation
    Case("empty.txt", b"", "empty file"),
    Case("blank.txt", b" \r\n\t \n", "empty file"),
    Case("only_invisible.txt", ("\u200b\ufeff\x01\x02" * 10).encode(), "no text"),
    Case("script_only.txt", b"<html><head><script>var x = '<p>a</p>';</script></head><body></body></html>", "no text"),
    Case("scan.pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(0x80, 0x100)) * 8, "PDF document"),
    Case("image.png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "PNG image"),
    Case("photo.jpg.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(50), "JPEG image"),
    Case("anim.gif.txt", b"GIF89a\x01\x00\x01\x00" + bytes(20), "GIF image"),
    Case("report.docx.txt", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "ZIP archive"),
    Case("archive.gz.txt", b"\x1f\x8b\x08\x00" + bytes(range(1, 200)), "gzip archive"),
    Case("old.doc.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Office 97-2003"),
    Case("noise_nul.txt", _random_bytes(1, 3000, nul=True), "NUL bytes"),
    Case("noise.txt", _random_bytes(2, 3000, nul=False), "undecodable"),
    Case("latin1.txt", "café naïve résumé crème brûlée".encode("latin-1") * 3, "undecodable"),
]
GOOD_NAME = "good.txt"


def _rel(name: str) -> str:
    return f"corpus/{name}"


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """All cases plus one plain good document, built once (in this process)."""
    from kg.build import build

    base = tmp_path_factory.mktemp("hostile")
    corpus = base / "corpus"
    corpus.mkdir()
    for case in CASES:
        (corpus / case.name).write_bytes(case.data)
    (corpus / GOOD_NAME).write_text(BODY, encoding="utf-8")
    report = build([corpus], base / "out", jobs=1)
    graph = Graph().parse(report.output, format="turtle")
    return corpus, report, graph


def _doc_iri(graph: Graph, rel: str) -> URIRef:
    docs = list(graph.subjects(K.sourceFile, Literal(rel)))
    assert len(docs) == 1, rel
    return docs[0]


def _zone_docs(graph: Graph) -> set:
    zones = [s for s in graph.subjects(RDFS.label, Literal(ZONE, lang="zh")) if (s, RDF.type, K.Zone) in graph]
    assert zones
    return {d for z in zones for d in graph.objects(z, K.mentionedIn)}


def test_every_input_is_processed_or_reported_none_lost(hostile_build):
    corpus, report, _ = hostile_build
    readable = [c.name for c in CASES if c.reason is None] + [GOOD_NAME]
    refused = {str(corpus / c.name): c.reason for c in CASES if c.reason is not None}
    assert report.documents == len(readable)
    assert {path for path, _ in report.failed} == set(refused)
    assert report.documents + len(report.failed) == len(CASES) + 1


@pytest.mark.parametrize("case", [c for c in CASES if c.reason is not None], ids=lambda c: c.name)
def test_refusal_is_one_line_naming_the_file_and_reason(hostile_build, case):
    corpus, report, _ = hostile_build
    message = dict(report.failed)[str(corpus / case.name)]
    assert "\n" not in message
    assert message.startswith(f"{corpus / case.name}: ")
    assert case.reason in message


@pytest.mark.parametrize("name", [c.name for c in CASES if c.reason is None] + [GOOD_NAME])
def test_readable_documents_are_processed(hostile_build, name):
    _, _, graph = hostile_build
    assert _doc_iri(graph, _rel(name)) in _zone_docs(graph)


def test_no_markup_controls_or_invisible_characters_in_literals(hostile_build):
    _, _, graph = hostile_build
    for _, _, o in graph.triples((None, None, None)):
        if not isinstance(o, Literal):
            continue
        text = str(o)
        for ch in text:
            assert unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n", (text, hex(ord(ch)))
        assert "&nbsp;" not in text and "&amp;" not in text and "&#" not in text, text
        assert "<p>" not in text and "</" not in text and "<script" not in text, text
        assert "var x" not in text and "document.write" not in text, text


def test_graph_of_hostile_corpus_loads_in_pyoxigraph(hostile_build):
    import pyoxigraph as ox

    _, report, graph = hostile_build
    store = ox.Store()
    store.load(path=report.output, format=ox.RdfFormat.TURTLE)
    assert len(store) == len(graph) == report.triples


def test_symbols_are_not_glued_to_names(tmp_path):
    from kg.build.document import process_document

    doc = make_document("🚀兰州新区位于甘肃省。★兰州新区重点发展生物医药产业。\ufffd兰州新区召开会议。")
    names = {e.name for e in process_document(doc).entities.values()}
    assert ZONE in names
    assert all(unicodedata.category(c)[0] not in "SC" and c != "\ufffd" for n in names for c in n), names


# ---------------------------------------------------------------------------- single inputs


@pytest.mark.parametrize("data, what", [
    (b"%PDF-1.4\n" + bytes(range(0x80, 0x100)), "a PDF document"),
    (b"%!PS-Adobe-3.0\n", "a PostScript document"),
    (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}", "an RTF document"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04", "a 7-Zip archive"),
    (b"Rar!\x1a\x07\x01\x00", "a RAR archive"),
    (b"\x7fELF\x02\x01\x01", "an executable"),
    (b"PK\x05\x06" + bytes(18), "an empty ZIP archive"),
])
def test_binary_kinds_are_named(tmp_path, data, what):
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value) == f"{path}: not a text file: looks like {what}"


def test_damaged_utf8_is_read_with_replacement_and_a_warning(tmp_path):
    path = tmp_path / "damaged.txt"
    path.write_bytes(_damaged_utf8())
    warnings: list = []
    doc = read_document(path, warnings=warnings)
    assert doc.encoding == "utf-8"
    assert doc.text.count("\ufffd") == 1          # one replacement per run of bad bytes
    assert doc.text.replace("\ufffd", "") == make_document(BODY * 40).text
    assert warnings == [f"{path}: 2 undecodable byte(s) replaced with U+FFFD (read as utf-8)"]


def test_damage_is_logged_when_no_warning_list_is_given(tmp_path, caplog):
    path = tmp_path / "damaged.txt"
    path.write_bytes(_damaged_utf8())
    with caplog.at_level("WARNING", logger="kg.ingest.reader"):
        read_document(path)
    assert [r.getMessage() for r in caplog.records] == [f"{path}: 2 undecodable byte(s) replaced with U+FFFD (read as utf-8)"]


def test_damaged_gbk_is_read_as_gbk(tmp_path):
    good = (BODY * 40).encode("gbk")
    path = tmp_path / "gbk.txt"
    path.write_bytes(good[:600] + b"\xff" + good[600:])
    warnings: list = []
    doc = read_document(path, warnings=warnings)
    assert doc.encoding == "gb18030"
    assert ZONE in doc.text and len(warnings) == 1 and "read as gb18030" in warnings[0]


def test_too_much_damage_is_refused(tmp_path):
    data = bytearray((BODY * 4).encode())
    for i in range(0, len(data), 40):
        data[i] = 0xFF
    path = tmp_path / "bad.txt"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value).startswith(f"{path}: not text in UTF-8, GB18030 or Big5 (")


def test_truncated_download_keeps_its_text(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes("短文。".encode() + "兰".encode()[:1])   # too short for the 1% rule
    warnings: list = []
    doc = read_document(path, warnings=warnings)
    assert doc.text == "短文。\ufffd"
    assert "truncated" in warnings[0] and str(path) in warnings[0]


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + "兰州新区".encode("utf-16-le") + b"\x00\xd8",     # lone surrogate
    b"\xfe\xff" + "兰州新区".encode("utf-16-be") + b"\x51",         # odd length
    b"\xef\xbb\xbf" + "兰州新区".encode() + b"\xe5",                 # UTF-8 with BOM, cut short
])
def test_damaged_files_with_a_bom_never_raise_unicode_errors(tmp_path, data):
    path = tmp_path / "bom.txt"
    path.write_bytes(data)
    warnings: list = []
    doc = read_document(path, warnings=warnings)
    assert doc.text == "兰州新区\ufffd" and len(warnings) == 1


@pytest.mark.parametrize("text", ["兰州新区位于甘肃省。", "abc def, ghi", "兰州 new area 2024"])
def test_utf16_without_bom(tmp_path, text):
    for enc in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{enc}.txt"
        path.write_bytes(text.encode(enc))
        doc = read_document(path)
        assert (doc.encoding, doc.text) == ("utf-16", text)


def test_utf16_lookalike_binary_is_still_binary(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(bytes([0x00, 0x07] * 100))   # NUL in one lane, but the text is control characters
    with pytest.raises(InputError, match="NUL bytes"):
        read_document(path)


def test_cp950_characters_missing_from_big5(tmp_path):
    path = tmp_path / "tw.txt"
    path.write_bytes("這裏是蘭州新區。".encode("cp950"))
    doc = read_document(path)
    assert doc.encoding == "cp950"
    assert doc.original == "這裏是蘭州新區。"


@pytest.mark.parametrize("eol", ["\r\n", "\r", "\x85", "\u2028", "\u2029"])
def test_line_ends_give_the_same_document(eol):
    lf = make_document(BODY * 3)
    other = make_document((BODY * 3).replace("\n", eol))
    assert other.text == lf.text
    assert other.sentences == lf.sentences


def test_html_page_is_reduced_to_its_text():
    doc = read_document(HOSTILE / "news_page.txt")
    assert "<" not in doc.text.replace("<千亿级>", "")    # &lt;千亿级&gt; in the page is text
    for markup in ("&nbsp;", "&amp;", "&gt;", "&#x35;", "&ldquo;", "<p>", "href", "font-family"):
        assert markup not in doc.text
    assert "假公司" not in doc.text and "甲乙丙" not in doc.text   # script and comment are not text
    assert "项目总投资5亿元" in doc.text and "“十四五”" in doc.text and "集群 & 装备" in doc.text
    assert doc.metadata["date"] == "2024-03-05" and doc.metadata["source"] == "兰州日报"
    assert doc.metadata["title"] == "兰州新区推进新材料产业集群建设"   # the article heading (trafilatura), not <title>
    assert not any("版权" in s.text or "分享" in s.text or "当前位置" in s.text for s in doc.sentences)


@pytest.mark.parametrize("text", [
    "面积<5平方公里,增速>3%。", "a<b>c", "<兰州新区>", "AT&T 公司 & 合作", "R&D投入",
])
def test_plain_text_with_angle_brackets_or_ampersands_is_kept(text):
    assert make_document(text).text == text


def test_entity_references_left_in_plain_text_are_decoded():
    assert make_document("兰州&nbsp;新区&amp;甘肃&#20848;&#x5DDE;&bogus;").text == "兰州 新区&甘肃兰州&bogus;"


def test_text_with_a_few_tags_is_read_as_html():
    doc = make_document("<p>兰州新区</p><br><p>位于甘肃省</p><div>重点发展</div><span>生物医药</span>")
    assert [s.text for s in doc.sentences] == ["兰州新区", "位于甘肃省", "重点发展", "生物医药"]


@pytest.mark.parametrize("markup", [
    "<html><body><![if !supportLists]>兰州新区<![endif]></body></html>",
    "<html><body><!DOCTYPE x [ <!ENTITY a 'b'> ]>兰州新区</body></html>",
    "<!doctype html><p>兰州新区<p>位于<script>never closed",
    "<html>" + "<div>" * 5000 + "兰州新区",
])
def test_malformed_html_never_raises(markup):
    assert "兰州新区" in make_document(markup).text


def test_control_and_invisible_characters_are_removed():
    doc = make_document(_interleave(BODY, CONTROLS + INVISIBLE))
    assert doc.text == make_document(BODY).text


def test_long_line_is_cut_into_bounded_sentences():
    text = LINE * 8000       # ~1 MB of UTF-8, one line, no punctuation
    assert len(text.encode()) > 1_000_000
    doc = make_document(text)
    assert doc.sentences and all(len(s.text) <= MAX_SENTENCE for s in doc.sentences)
    assert "".join(s.text for s in doc.sentences) == doc.text
    assert all(doc.text[s.start:s.end] == s.text for s in doc.sentences)


def test_long_runs_are_cut_at_a_soft_break_when_there_is_one():
    text = "甲乙丙丁戊己庚辛、" * 300 + "壬癸" * 400
    sents = split_sentences(text, 0, len(text))
    assert all(len(s.text) <= MAX_SENTENCE for s in sents)
    assert all(s.text.endswith("、") for s in sents if s.end < text.index("壬"))
    assert "".join(s.text for s in sents) == text


def test_size_limit_is_a_one_line_refusal(tmp_path, monkeypatch):
    import kg.ingest.reader

    monkeypatch.setattr(kg.ingest.reader, "MAX_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_bytes(BODY.encode() * 10)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value).startswith(f"{path}: larger than ") and "split it" in str(err.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_document(fifo)


def test_broken_symbolic_link(tmp_path):
    link = tmp_path / "gone.txt"
    try:
        link.symlink_to(tmp_path / "missing.txt")
    except OSError:
        pytest.skip("cannot create symbolic links here")
    with pytest.raises(InputError, match="broken symbolic link"):
        read_document(link)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(BODY, encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        read_document(path)


def test_root_outside_the_file_falls_back_to_its_name(tmp_path):
    path = tmp_path / "a" / "doc.txt"
    path.parent.mkdir()
    path.write_text(BODY, encoding="utf-8")
    assert read_document(path, tmp_path / "elsewhere").rel_path == "doc.txt"


def test_decode_never_leaks_unicode_errors():
    for data in (b"\xff\xfe\x00", b"\xfe\xff\xd8\x00", b"\x00\x00\xfe\xff\x00\x11\x00\x00", b"\xef\xbb\xbf\xff" * 50):
        try:
            decode(data, "x.txt", [])
        except InputError as exc:
            assert str(exc).startswith("x.txt: ")


@pytest.mark.parametrize("value, expected", [
    ("2024-02-29", "2024-02-29"), ("2023-02-29", None), ("2024-04-31", None), ("0000-01-01", None),
    ("2024年3月5日", "2024-03-05"), ("2024-13-01", None),
])
def test_iso_date_only_gives_real_dates(value, expected):
    assert iso_date(value) == expected


def test_one_megabyte_line_builds(tmp_path):
    from kg.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "line.txt").write_text(LINE * 8000, encoding="utf-8")
    report = build([corpus], tmp_path / "out", jobs=1)
    assert report.documents == 1 and not report.failed
    assert ZONE in {str(o) for o in Graph().parse(report.output).objects(None, RDFS.label)}


def test_hundred_megabyte_file_is_refused_and_the_rest_built(tmp_path):
    from kg.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    chunk = (BODY * 1000).encode()
    with open(corpus / "huge.txt", "wb") as fh:
        while fh.tell() < 100 * 2**20:
            fh.write(chunk)
    (corpus / "good.txt").write_text(BODY, encoding="utf-8")
    report = build([corpus], tmp_path / "out", jobs=1)
    assert report.documents == 1
    [(path, message)] = report.failed
    assert path == str(corpus / "huge.txt") and "larger than 50 MB" in message and "\n" not in message


# ---------------------------------------------------------------------------- isolation and exit codes


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crash_in_one_document_does_not_stop_the_others(tmp_path, monkeypatch, jobs):
    import kg.build.document
    from kg.build import build

    real = kg.build.document.process_document

    def flaky(doc, *args):
        if "爆炸" in doc.text:
            raise IndexError("simulated extractor bug")
        return real(doc, *args)

    monkeypatch.setattr(kg.build.document, "process_document", flaky)  # worker processes fork from here
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(BODY, encoding="utf-8")
    (corpus / "b.txt").write_text("爆炸" + BODY, encoding="utf-8")
    (corpus / "c.txt").write_text(BODY.replace("。", "！"), encoding="utf-8")
    report = build([corpus], tmp_path / "out", jobs=jobs)
    assert report.documents == 2
    [(path, message)] = report.failed
    assert path == str(corpus / "b.txt")
    assert message == f"{corpus / 'b.txt'}: internal error IndexError: simulated extractor bug"
    assert "b.txt" not in Path(report.output).read_text(encoding="utf-8")
    assert "a.txt" in Path(report.output).read_text(encoding="utf-8")


def _cli(*args):
    from kg.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_hostile_corpus_exit_0_with_one_line_per_refusal(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    refused = [c for c in CASES if c.reason is not None][:6]
    for case in refused:
        (corpus / case.name).write_bytes(case.data)
    (corpus / GOOD_NAME).write_text(BODY, encoding="utf-8")
    result = _cli("build", corpus, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "1 documents" in result.stdout
    for case in refused:
        lines = [ln for ln in result.stderr.splitlines() if ln.startswith("Warning: skipped ")
                 and str(corpus / case.name) in ln]
        assert len(lines) == 1 and case.reason in lines[0], (case.name, result.stderr)


def test_cli_strict_exits_2(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(BODY, encoding="utf-8")
    (corpus / "b.txt").write_bytes(b"")
    result = _cli("build", corpus, "-o", tmp_path / "out", "-j", "1", "--strict")
    assert result.exit_code == 2
    assert f"{corpus / 'b.txt'}: empty file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_nothing_built_exits_2(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for case in [c for c in CASES if c.reason is not None]:
        (corpus / case.name).write_bytes(case.data)
    result = _cli("build", corpus, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 2
    assert "no document could be read" in result.stderr
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------- safe output


@pytest.fixture
def previous(tmp_path):
    """An output folder with a previous graph and files kg did not write."""
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    files = {"graph.ttl": b"# previous graph\n", "notes.md": b"mine", "sub/data.csv": b"a,b\n",
             ".hidden": b"x", "graph.ttl.bak": b"old"}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return out, files


def _snapshot(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


_CHILD = textwrap.dedent("""
    import os, sys, time
    import kg.ingest.reader
    from kg.build import build

    corpus, out, when = sys.argv[1], sys.argv[2], sys.argv[3]
    real_read, real_replace = kg.ingest.reader.read_document, os.replace
    state = {"n": 0}

    def pause():
        print("ready", flush=True)
        time.sleep(60)

    def read(path, *args, **kwargs):
        state["n"] += 1
        if when == "reading" and state["n"] == 2:
            pause()
        return real_read(path, *args, **kwargs)

    def replace(src, dst, *args, **kwargs):
        if when == "writing" and str(dst).endswith("graph.ttl"):
            pause()
        return real_replace(src, dst, *args, **kwargs)

    kg.ingest.reader.read_document = read
    os.replace = replace
    build([corpus], out, jobs=1)
    print("finished", flush=True)
""")


@pytest.mark.parametrize("when", ["reading", "writing"])
@pytest.mark.parametrize("sig", ["SIGINT", "SIGKILL"])
def test_interrupted_build_leaves_previous_output(tmp_path, previous, when, sig):
    if not hasattr(signal, sig):
        pytest.skip(f"no {sig} here")
    out, files = previous
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"{i}.txt").write_text(BODY, encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(corpus), str(out), when], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        child.send_signal(getattr(signal, sig))
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode != 0
    after = _snapshot(out)
    leftovers = set(after) - set(files)
    assert {k: after[k] for k in files} == files          # previous graph and others' files intact
    if sig == "SIGINT":
        assert not leftovers                                # clean-up ran
    else:
        assert all(k.startswith(".") for k in leftovers), leftovers   # only kg's hidden temporaries


def test_bad_base_fails_before_touching_output(tmp_path, previous):
    from kg.build import build

    out, files = previous
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(BODY, encoding="utf-8")
    with pytest.raises(KgError, match="base IRI"):
        build([corpus], out, base="http://example.org/a b/", jobs=1)
    assert _snapshot(out) == files


def test_atomic_writer_keeps_the_old_file_on_error(tmp_path):
    from kg.fsutil import atomic_writer

    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as fh:
            fh.write(b"half of the new")
            raise RuntimeError("disk on fire")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_atomic_writer_permissions(tmp_path):
    from kg.fsutil import atomic_write_text

    mask = os.umask(0o022)
    os.umask(mask)
    new = tmp_path / "new.ttl"
    atomic_write_text(new, "x")
    assert new.stat().st_mode & 0o777 == 0o666 & ~mask     # like open(), not mkstemp's 0600
    kept = tmp_path / "kept.ttl"
    kept.write_text("old")
    kept.chmod(0o640)
    atomic_write_text(kept, "兰州")
    assert kept.stat().st_mode & 0o777 == 0o640
    assert kept.read_text(encoding="utf-8") == "兰州"


def test_atomic_writer_text_mode_writes_exact_newlines(tmp_path):
    from kg.fsutil import atomic_writer

    with atomic_writer(tmp_path / "a.ttl", "w") as fh:
        fh.write("a\nb\r\n")
    assert (tmp_path / "a.ttl").read_bytes() == b"a\nb\r\n"
    with pytest.raises(ValueError):
        with atomic_writer(tmp_path / "b.ttl", "a"):
            pass


# ---------------------------------------------------------------------------- escaping


def _hostile_names() -> list[str]:
    from kg.data import read_tsv

    return [r["name"] for r in read_tsv(HOSTILE / "names.tsv", ("name", "type", "aliases"), required=("name",))]


@pytest.fixture(scope="module")
def names_build(tmp_path_factory):
    """One document per hostile name (user lexicon tests/data/hostile/names.tsv)."""
    from kg.build import build

    base = tmp_path_factory.mktemp("names")
    corpus = base / "corpus"
    corpus.mkdir()
    for i, name in enumerate(_hostile_names()):
        (corpus / f"{i:02d}.txt").write_text(f"{name}落户兰州新区。\n兰州新区重点发展新材料产业,{name}与兰州新区合作。\n",
                                             encoding="utf-8")
    report = build([corpus], base / "out", lexicons=[HOSTILE / "names.tsv"], jobs=1)
    return base, report


def test_hostile_names_are_labels_exactly(names_build):
    _, report = names_build
    g = Graph().parse(report.output, format="turtle")
    labels = {str(o) for s in g.subjects(RDF.type, K.Enterprise) for o in g.objects(s, RDFS.label)}
    assert set(_hostile_names()) <= labels


def test_hostile_names_round_trip_in_rdflib(names_build):
    from rdflib.compare import isomorphic

    _, report = names_build
    g = Graph().parse(report.output, format="turtle")
    for fmt in ("turtle", "nt", "json-ld"):
        again = Graph().parse(data=g.serialize(format=fmt), format=fmt)
        assert isomorphic(g, again), fmt


def test_hostile_names_round_trip_in_pyoxigraph(names_build):
    import pyoxigraph as ox

    _, report = names_build
    store = ox.Store()
    store.load(path=report.output, format=ox.RdfFormat.TURTLE)
    quads = set(store)
    for fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        again = ox.Store()
        again.load(store.dump(format=fmt, from_graph=ox.DefaultGraph()), format=fmt)
        assert set(again) == quads
    assert len(quads) == len(Graph().parse(report.output, format="turtle"))


@pytest.mark.parametrize("fmt, rdflib_format", [("nt", "nt"), ("jsonld", "json-ld"), ("ttl", "turtle")])
def test_hostile_names_survive_export(names_build, fmt, rdflib_format):
    export = pytest.importorskip("kg.query.export")
    from rdflib.compare import isomorphic

    base, report = names_build
    out = base / f"export.{fmt}"
    export.export(report.output, fmt, out)
    back = Graph().parse(out, format=rdflib_format)
    assert isomorphic(back, Graph().parse(report.output, format="turtle"))


@pytest.mark.parametrize("value", [
    "line\nbreak", "cr\rhere", "tab\tand\x00nul", "\x85next line\u2028sep\u2029para", '"""', "\\", "\\u0041",
    "\ufffe\uffff", "\U0010ffff", "ends with backslash\\", '"', "@zh", "<http://x/> .",
])
def test_literals_parse_back_unchanged_in_both_parsers(value):
    import pyoxigraph as ox

    from kg.rdf.writer import literal

    ttl = f"<http://x/s> <http://x/p> {literal(value)} .\n"
    assert Graph().parse(data=ttl, format="turtle").value(URIRef("http://x/s"), URIRef("http://x/p")) == \
        Literal(value, lang="zh")
    [quad] = list(ox.parse(ttl.encode(), format=ox.RdfFormat.TURTLE))
    assert quad.object.value == value


def test_lone_surrogates_become_replacement_characters():
    import pyoxigraph as ox

    from kg.rdf.writer import literal

    ttl = f"<http://x/s> <http://x/p> {literal('a' + chr(0xD800) + 'b')} .\n".encode("utf-8")
    [quad] = list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    assert quad.object.value == "a\ufffdb"


def test_ordinary_literals_are_written_as_before():
    from kg.rdf.writer import literal

    assert literal("兰州新区") == '"兰州新区"@zh'
    assert literal('a"b\\c\nd\x7f') == '"a\\"b\\\\c\\nd\\u007F"@zh'
    assert literal("2024-01-02", datatype="xsd:date") == '"2024-01-02"^^xsd:date'


def test_iri_percent_encodes_what_an_iri_cannot_hold():
    from kg.rdf.writer import iri

    assert iri("https://w3id.org/policykg/industry/C13") == "<https://w3id.org/policykg/industry/C13>"
    assert iri('http://x/a b<c>"d{e}|f^g`h\\i\nj') == "<http://x/a%20b%3Cc%3E%22d%7Be%7D%7Cf%5Eg%60h%5Ci%0Aj>"


@pytest.mark.parametrize("base", ["http://x/a b/", "http://x/<y>/", "no-scheme/", "http://x/a", "http://x/a#b#"])
def test_bad_base_iri_is_refused(base):
    from kg.rdf.writer import GraphBuilder

    with pytest.raises(KgError, match="base IRI"):
        GraphBuilder(base)


@pytest.mark.parametrize("base", ["http://example.org/kg/", "https://w3id.org/policykg/id#", "urn:policykg:id/"])
def test_good_base_iri_is_accepted(base):
    from kg.rdf.writer import GraphBuilder

    assert GraphBuilder(base).base == base


# ---------------------------------------------------------------------------- determinism


def test_same_corpus_in_any_file_order_gives_the_same_bytes(tmp_path):
    from kg.build import build

    readable = [c for c in CASES if c.reason is None and c.name != "long_line.txt"][:10]
    outputs = []
    for order, tag in ((readable, "a"), (readable[::-1], "b"), (random.Random(3).sample(readable, len(readable)), "c")):
        corpus = tmp_path / tag / "corpus"          # same folder name: same document IRIs
        corpus.mkdir(parents=True)
        for case in order:
            (corpus / case.name).write_bytes(case.data)
        if tag == "c":
            report = build([corpus / c.name for c in order], tmp_path / tag / "out", jobs=1)
        else:
            report = build([corpus], tmp_path / tag / "out", jobs=1)
        outputs.append((tag, Path(report.output).read_bytes()))
    assert outputs[0][1] == outputs[1][1]
    third = build([tmp_path / "a" / "corpus" / c.name for c in readable], tmp_path / "d" / "out", jobs=1)
    assert Path(third.output).read_bytes() == outputs[2][1]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_pipes_and_broken_links_in_a_folder_are_reported_not_lost(tmp_path):
    from kg.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(BODY, encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    os.symlink(tmp_path / "nowhere.txt", corpus / "broken.txt")
    report = build([corpus], tmp_path / "out", jobs=1)
    assert report.documents == 1
    assert sorted(Path(p).name for p, _ in report.failed) == ["broken.txt", "pipe.txt"]
