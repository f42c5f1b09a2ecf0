"""Input formats: HTML, PDF and Word files read like text files, bad files refused one line each,
discovery with --include/--exclude, page numbers on PDF evidence, the progress bar.

Every fixture is made here (tests/formatgen.py): HTML as strings, PDFs with reportlab's built-in
STSong-Light CID font, DOCX with python-docx, broken files by hand.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import formatgen as gen
from kg.build import build
from kg.errors import InputError
from kg.ingest import formats
from kg.ingest.reader import make_document, read_document
from kg.rdf.reader import read_graph

ROOT = Path(__file__).resolve().parent.parent
KG = [str(Path(sys.executable).parent / "kg")]
# The four formats of one article must give the same entities and relations, up to this share of
# the .txt's (symmetric difference over the size of the .txt set). Today they are identical.
ALLOWED_DIFFERENCE = 0.10


# ---------------------------------------------------------------------------- the same article, four formats


def _facts(graph_path: Path) -> tuple[set, set]:
    """(type, name) of every entity and (subject name, relation, object name) of every relation."""
    model = read_graph(graph_path)
    ents = {(n.type, n.label) for n in model.entities.values()}
    label = {iri: n.label for iri, n in model.nodes.items()}
    rels = {(label.get(s, s), r, label.get(o, o) if isinstance(o, str) else o.value) for s, r, o in model.relations}
    return ents, rels


@pytest.fixture(scope="module")
def four(tmp_path_factory):
    """The article as .txt, .html, .pdf and .docx, each built on its own: {kind: BuildReport}."""
    base = tmp_path_factory.mktemp("four")
    files = gen.write_all(base / "article")
    return {kind: build([path], base / f"out-{kind}", jobs=1) for kind, path in files.items()}


def test_same_article_gives_the_same_graph_in_every_format(four):
    want_ents, want_rels = _facts(Path(four["txt"].output))
    assert len(want_ents) >= 10 and len(want_rels) >= 15      # the article says enough to compare
    for kind in ("html", "pdf", "docx"):
        ents, rels = _facts(Path(four[kind].output))
        assert len(ents ^ want_ents) <= ALLOWED_DIFFERENCE * len(want_ents), (kind, ents ^ want_ents)
        assert len(rels ^ want_rels) <= ALLOWED_DIFFERENCE * len(want_rels), (kind, rels ^ want_rels)
        assert four[kind].documents == 1 and not four[kind].errors


def test_text_of_each_format(tmp_path):
    files = gen.write_all(tmp_path)
    docs = {kind: read_document(path) for kind, path in files.items()}
    want = [s.text for s in docs["txt"].sentences]
    for kind in ("pdf", "docx"):
        assert [s.text for s in docs[kind].sentences] == want, kind
    html = [s.text for s in docs["html"].sentences]
    assert [s for s in html if "作者" not in s] == want
    assert {d.kind for d in docs.values()} == {"text", "html", "pdf", "docx"}
    assert docs["pdf"].encoding == docs["docx"].encoding == "" and docs["html"].encoding == "utf-8"


# ---------------------------------------------------------------------------- HTML


def test_html_reads_the_article_and_never_the_furniture(tmp_path):
    doc = read_document(gen.write_html(tmp_path / "page.html"))
    for paragraph in gen.PARAGRAPHS:
        assert make_document(paragraph).text in doc.text
    for hidden in ("云南", "贵州", "西藏", "广告", "tracker"):   # script, style, comment, noscript
        assert hidden not in doc.text
    for furniture in (*gen.NAV[1:], *gen.RELATED, "版权所有", "分享到"):  # navigation, related news, footer
        assert furniture not in doc.text
    assert doc.metadata["title"] == gen.TITLE and doc.metadata["date"] == "2025-03-18"
    assert doc.metadata["source"]


def test_html_table_rows_are_sentences(tmp_path):
    doc = read_document(gen.write_html(tmp_path / "page.html"))
    sentences = [s.text for s in doc.sentences]
    for line in gen.TABLE_LINES:
        assert make_document(line).text in sentences


@pytest.mark.parametrize("charset, encoding", [("gb2312", "gbk"), ("GBK", "gb18030"), ("big5", "big5hkscs"),
                                               ("utf-8", "gbk")])
def test_html_encoding_declared_then_detected(tmp_path, charset, encoding):
    """The declared encoding when the bytes decode with it; detection when the page lies
    (declares UTF-8, holds GBK)."""
    path = tmp_path / "page.htm"
    text = gen.article_html(charset)
    if encoding == "big5hkscs":
        import opencc

        text = opencc.OpenCC("s2t").convert(text)
    path.write_bytes(text.encode(encoding))
    doc = read_document(path)
    assert make_document(gen.PARAGRAPHS[2]).text in doc.text    # traditional script is read as simplified
    assert doc.encoding == ("big5hkscs" if charset == "big5" else "gb18030")


def test_html_saved_as_text_is_read_as_a_page(tmp_path):
    page = read_document(gen.write_html(tmp_path / "page.html"))
    saved = tmp_path / "page.txt"
    saved.write_text(gen.article_html(), encoding="utf-8")
    doc = read_document(saved)
    assert doc.text == page.text and doc.kind == "html"


def test_html_empty_after_extraction_is_refused(tmp_path):
    path = tmp_path / "menu.html"
    path.write_text('<!DOCTYPE html><html><head><title></title><script>var a = "兰州新区";</script>'
                    "<style>p{}</style></head><body><nav><a href='/'>首页</a><a href='/a'>新区概况</a></nav>"
                    "<!-- 兰州新区位于甘肃省 --></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="no article text"):
        read_document(path)


# ---------------------------------------------------------------------------- PDF


def test_pdf_drops_running_headers_and_page_numbers_and_joins_lines(tmp_path):
    doc = read_document(gen.write_pdf(tmp_path / "a.pdf"))
    assert "政务信息" not in doc.text and "- 1 -" not in doc.text and "- 2 -" not in doc.text
    lines = doc.text.split("\n")
    for paragraph in gen.PARAGRAPHS:   # one line each: no break inside words, no space inserted
        assert make_document(paragraph).text in lines
    assert len(doc.pages) == 2 and doc.pages[0] == 0


def test_pdf_sentence_across_the_page_break_is_one_sentence_on_its_first_page(tmp_path):
    doc = read_document(gen.write_pdf(tmp_path / "a.pdf"))
    cut = doc.pages[1]
    across = [s for s in doc.sentences if s.start < cut < s.end]
    assert len(across) == 1 and across[0].text.startswith("天府新区与重庆两江新区签署战略合作协议")
    assert doc.page_at(across[0].start) == 1 and doc.page_at(across[0].end - 1) == 2


def test_pdf_furniture_rules_are_not_fooled_by_a_title_repeated_as_header(tmp_path):
    """A running header that repeats the title: the title line of page 1 (at another height) stays."""
    doc = read_document(gen.write_pdf(tmp_path / "a.pdf", pages=3, header=gen.TITLE))
    assert doc.text.startswith(gen.TITLE) and doc.text.count(gen.TITLE) == 1
    assert len(doc.pages) == 3


def test_pdf_evidence_carries_the_page(four):
    model = read_graph(four["pdf"].output)
    pages = {ev.sentence: ev.page for ev in model.evidence}
    assert model.evidence and all(p in (1, 2) for p in pages.values())
    across = [s for s in pages if s.startswith("天府新区与重庆两江新区")]
    second = [s for s in pages if s.startswith("今年新区计划推进")]
    assert across and second and pages[across[0]] == 1 and pages[second[0]] == 2
    for kind in ("txt", "html", "docx"):   # no page where there are no pages
        assert all(ev.page is None for ev in read_graph(four[kind].output).evidence)


def test_pdf_graph_conforms_to_the_shapes(four):
    from kg.rdf.validate import validate

    assert validate(four["pdf"].output).conforms


def test_page_shows_the_page_beside_the_sentence(four, tmp_path):
    from kg.viz.page import render
    from test_viz import page_json

    data = {kind: page_json(render(four[kind].output, tmp_path / f"{kind}.html").path.read_text(encoding="utf-8"))
            for kind in ("pdf", "txt")}
    pages = {ev["sentence"][:8]: ev.get("page") for ev in data["pdf"]["evidence"]}
    assert pages and set(pages.values()) == {1, 2} and pages["今年新区计划推进"] == 2
    assert all("page" not in ev for ev in data["txt"]["evidence"])   # .txt pages keep their bytes
    assert "ev.page" in (ROOT / "kg" / "viz" / "static" / "viz.js").read_text(encoding="utf-8")


@pytest.mark.browser
def test_browser_evidence_panel_shows_the_page(browser, four, tmp_path):
    from kg.viz.page import render
    from test_viz import OpenPage, node_id

    page = OpenPage(browser, render(four["pdf"].output, tmp_path / "pdf.html").path)
    try:
        x, y = page.node_point(node_id(page, "成都芯源半导体有限公司"))
        page.page.mouse.click(x, y)
        text = page.details()
        assert "第 2 页" in text and "成都芯源半导体有限公司主要从事功率半导体芯片研发" in text
        assert page.errors == []
    finally:
        page.close()


def test_evidence_for_query_gives_the_page(four):
    import csv

    from click.testing import CliRunner

    from kg.cli import main

    r = CliRunner().invoke(main, ["query", four["pdf"].output, "--name", "evidence-for", "--param",
                                  "name=成都芯源半导体有限公司", "--format", "csv", "--memory"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
    assert rows and {row["page"] for row in rows} == {"2"}


# ---------------------------------------------------------------------------- Word


def test_docx_table_rows_are_one_sentence_each(tmp_path):
    doc = read_document(gen.write_docx(tmp_path / "a.docx"))
    sentences = [s.text for s in doc.sentences]
    for line in gen.TABLE_LINES:
        assert make_document(line).text in sentences
    assert doc.metadata["authors"] == ["王立新"]


def test_docx_reading_order_and_cells_with_sentences(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("第一段。")
    t = d.add_table(rows=1, cols=3)
    t.cell(0, 0).text = "甲公司"
    t.cell(0, 1).text = "已投产。二期在建！"
    t.cell(0, 2).merge(t.cell(0, 1))
    d.add_paragraph("第二段。")
    d.save(str(tmp_path / "t.docx"))
    doc = read_document(tmp_path / "t.docx")
    assert [s.text for s in doc.sentences] == ["第一段。", "甲公司,已投产,二期在建", "第二段。"]


def test_row_text():
    assert formats.row_text(["名称", " 兰州新区 ", "", "投资。\n10亿元；"]) == "名称，兰州新区，投资，10亿元"
    assert formats.row_text(["", None]) == ""


# ---------------------------------------------------------------------------- bad files


def _pdf_bytes(draw, encrypt=None) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt

    return _pdf_bytes(lambda c: c.drawString(72, 720, "secret"), pdfencrypt.StandardEncryption("pw", canPrint=0))


def _scanned_pdf() -> bytes:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    return _pdf_bytes(lambda c: c.drawImage(ImageReader(Image.new("L", (300, 200), 200)), 72, 400, 300, 200))


def _zip(parts: dict, level: int = 9) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _good_pdf_cut_in_half(tmp_path) -> bytes:
    data = gen.write_pdf(tmp_path / "whole.pdf").read_bytes()
    return data[:len(data) // 2]


BAD = {  # name -> (bytes, or a function of tmp_path giving them; what the one line must say)
    "locked.pdf": (lambda tmp: _encrypted_pdf(), "encrypted PDF: it needs a password"),
    "broken.pdf": (_good_pdf_cut_in_half, "damaged PDF"),
    "garbage.pdf": (lambda tmp: b"%PDF-1.7\n" + bytes(range(256)) * 8, "damaged PDF"),
    "scan.pdf": (lambda tmp: _scanned_pdf(), "no text layer: OCR is not supported"),
    "notzip.docx": (lambda tmp: "这不是 Word 文件".encode(), "not a readable zip archive"),
    "bomb.docx": (lambda tmp: _zip({"[Content_Types].xml": "<x/>", "word/document.xml": b"<" * (20 << 20)}),
                  "zip bomb: part word/document.xml expands"),
    "parts.docx": (lambda tmp: _zip({f"p/{i}": b"" for i in range(10_001)}, level=0), "zip bomb: 10001 parts"),
    "damaged.docx": (lambda tmp: _zip({"[Content_Types].xml": "<Types", "word/document.xml": "<w:document"}),
                     "damaged Word file"),
    "other.docx": (lambda tmp: _zip({"content.xml": "<office/>"}), "no word/document.xml"),
    "old.docx": (lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "password-protected"),
    "menu.html": (lambda tmp: b"<html><body><nav><a href='/'>\xe9\xa6\x96\xe9\xa1\xb5</a></nav>"
                  b"<script>x()</script><!-- c --></body></html>", "no article text"),
    "empty.pdf": (lambda tmp: b"", "empty file"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_one_clear_line(tmp_path, name):
    make, message = BAD[name]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    with pytest.raises(InputError) as err:
        read_document(path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_files_are_skipped_and_the_others_build(tmp_path):
    corpus = tmp_path / "corpus"
    gen.write_all(corpus)
    for name, (make, _) in BAD.items():
        (corpus / name).write_bytes(make(tmp_path))
    report = build([corpus], tmp_path / "out", jobs=1)
    assert report.documents == 4
    assert sorted(Path(e.path).name for e in report.errors) == sorted(BAD)
    for error in report.errors:
        assert BAD[Path(error.path).name][1] in error.message


def test_owner_password_only_pdf_is_read(tmp_path):
    """Permissions without a user password (common in published reports) do not stop reading."""
    from reportlab.lib import pdfencrypt

    path = tmp_path / "protected.pdf"
    path.write_bytes(_pdf_bytes(lambda c: c.drawString(72, 720, "Lanzhou New Area"),
                                pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=0)))
    assert "Lanzhou New Area" in read_document(path).text


def test_scanned_pages_in_a_text_pdf_are_reported(tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path))
    c.drawImage(ImageReader(Image.new("L", (300, 200), 200)), 72, 400, 300, 200)
    c.showPage()
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, "兰州新区位于甘肃省兰州市。")
    c.showPage()
    c.save()
    warnings: list = []
    doc = read_document(path, warnings=warnings)
    assert doc.text == "兰州新区位于甘肃省兰州市。" and doc.pages == [0, 0]
    assert doc.page_at(0) == 2
    assert len(warnings) == 1 and "page(s) 1 have no text layer" in warnings[0]


def test_missing_library_is_one_line_per_file(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    monkeypatch.delitem(sys.modules, "kg.ingest.pdf", raising=False)
    path = gen.write_pdf(tmp_path / "a.pdf")
    with pytest.raises(InputError, match=r"needs the Python package 'pypdfium2'.*pip install pypdfium2"):
        read_document(path)


# ---------------------------------------------------------------------------- PDF details


@pytest.mark.parametrize("line", ["3", "- 3 -", "— 12 —", "第3页", "第 3 页 共 9 页", "3/9", "Page 3 of 9", "iv"])
def test_page_number_lines(line):
    from kg.ingest.pdf import page_number

    assert page_number(line)


@pytest.mark.parametrize("line", ["2025年3月", "第三章 总则", "兰州新区", "3月17日"])
def test_not_page_numbers(line):
    from kg.ingest.pdf import page_number

    assert not page_number(line)


@pytest.mark.parametrize("info, want", [
    ({"Title": "关于印发某某方案的通知", "Author": "某某办公室"}, {"title": "关于印发某某方案的通知", "authors": ["某某办公室"]}),
    ({"Title": "Microsoft Word - 文档1.docx", "Author": "Administrator"}, {}),
    ({"Title": "  ", "Author": "anonymous"}, {}),
])
def test_pdf_metadata_skips_file_names_and_defaults(info, want):
    from kg.ingest.pdf import _metadata

    assert _metadata(info) == want


def test_kangxi_radicals_become_ideographs():
    from kg.ingest.pdf import _clean

    assert _clean("\u2f45\u2f2f\u2f83\u2ed3\u2ef0\u2e80") == "方工自长龙\u2e80" and _clean("兰州") == "兰州"


# ---------------------------------------------------------------------------- discovery


def test_discovery_takes_every_kind_and_lists_the_others_once(tmp_path):
    from kg.build import discover

    corpus = tmp_path / "corpus"
    gen.write_all(corpus)
    (corpus / "sub").mkdir()
    gen.write_html(corpus / "sub" / "b.HTM")
    for name in ("notes.md", "data.xlsx", "sub/old.doc", ".hidden.pdf"):
        (corpus / name).write_bytes(b"x")
    others: list = []
    found = [rel for _, rel in discover([corpus, corpus], unsupported=others)]
    assert found == ["corpus/article.docx", "corpus/article.html", "corpus/article.pdf", "corpus/article.txt",
                     "corpus/sub/b.HTM"]
    report = build([corpus, corpus], tmp_path / "out", jobs=1)
    assert report.unsupported == ["corpus/data.xlsx", "corpus/notes.md", "corpus/sub/old.doc"]


@pytest.mark.parametrize("include, exclude, want", [
    (["*.pdf"], [], ["a.pdf", "sub/c.pdf"]),
    (["*.PDF", "*.docx"], ["sub/*"], ["a.pdf", "b.docx"]),
    ([], ["*.txt", "c.*"], ["a.pdf", "b.docx", "d.html"]),
    (["sub/*"], [], ["sub/c.pdf"]),
])
def test_include_and_exclude(tmp_path, include, exclude, want):
    from kg.build import discover

    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    for name in ("a.pdf", "b.docx", "t.txt", "sub/c.pdf", "d.html"):
        (corpus / name).write_bytes(b"x")
    found = [rel.partition("/")[2] for _, rel in discover([corpus], include, exclude)]
    assert found == want


def test_cli_lists_unsupported_files_in_one_line(tmp_path):
    corpus = tmp_path / "corpus"
    gen.write_txt(corpus.mkdir() or corpus / "a.txt")
    (corpus / "b.xlsx").write_bytes(b"x")
    (corpus / "c.md").write_bytes(b"x")
    out = subprocess.run([*KG, "build", str(corpus), str(corpus), "-o", str(tmp_path / "out"), "-j", "1",
                          "--no-html"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = [ln for ln in out.stderr.splitlines() if "b.xlsx" in ln]
    assert len(lines) == 1 and "corpus/c.md" in lines[0] and "Not read: 2 file(s)" in lines[0]
    assert "1 documents read" in out.stdout


# ---------------------------------------------------------------------------- incremental builds


def test_store_treats_new_kinds_like_text(tmp_path):
    corpus = tmp_path / "corpus"
    files = gen.write_all(corpus)
    first = build([corpus], tmp_path / "out", jobs=1, store=tmp_path / "store")
    assert first.extracted == 4 and first.reused == 0
    again = build([corpus], tmp_path / "out", jobs=1, store=tmp_path / "store")
    assert again.extracted == 0 and again.reused == 4
    gen.write_pdf(files["pdf"], header="另一个页眉")          # new bytes, same text
    os.utime(files["docx"], (1, 1))                          # touched, same bytes
    third = build([corpus], tmp_path / "out", jobs=1, store=tmp_path / "store")
    assert third.extracted == 1 and third.reused == 3
    fresh = build([corpus], tmp_path / "fresh", jobs=1)
    assert Path(third.output).read_bytes() == Path(fresh.output).read_bytes()


def test_fingerprint_counts_the_readers_libraries():
    from kg.build.fingerprint import reader_versions

    versions = reader_versions()
    for dist in ("trafilatura", "htmldate", "pypdfium2", "python-docx", "lxml"):
        assert versions[dist] not in ("", "absent")


# ---------------------------------------------------------------------------- progress


def _run_on_pty(args: list[str], cwd: Path) -> str:
    """Run `kg` with a pseudo-terminal as its standard output and error; everything it printed."""
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, cwd=cwd,
                            env={**os.environ, "COLUMNS": "120"})
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:   # the other end closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode("utf-8", errors="replace")


BAR = re.compile(r"(\d+)/(\d+) documents \|[^|]*\| [\d.]+/[\d.]+ MB \[[\d:]+<[\d:?]+, +[\d.?]+ ?MB/s\]")


@pytest.mark.parametrize("options", [["-j", "1"], ["-j", "2"], ["--engine", "dask", "-j", "2"]])
def test_progress_bar_on_a_terminal(tmp_path, options):
    if "dask" in options:
        pytest.importorskip("distributed")
    corpus = tmp_path / "corpus"
    gen.write_all(corpus)
    out = _run_on_pty([*KG, "build", str(corpus), "-o", str(tmp_path / "out"), "--no-html", *options], tmp_path)
    bars = BAR.findall(out)
    assert bars and ("4", "4") in bars, out
    assert "4 documents read ->" in out      # the summary stays


def test_no_progress_bar_with_quiet_or_in_a_pipe(tmp_path):
    corpus = tmp_path / "corpus"
    gen.write_all(corpus)
    quiet = _run_on_pty([*KG, "build", str(corpus), "-o", str(tmp_path / "q"), "--no-html", "-q", "-j", "1"],
                        tmp_path)
    assert not BAR.search(quiet) and "MB/s" not in quiet and "documents read" not in quiet
    piped = subprocess.run([*KG, "build", str(corpus), "-o", str(tmp_path / "p"), "--no-html", "-j", "1"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert piped.returncode == 0 and "MB/s" not in piped.stderr + piped.stdout
    assert "4 documents read ->" in piped.stdout
