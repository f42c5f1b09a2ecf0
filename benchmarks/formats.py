"""Reading speed of each input format, and the libraries kg chose from, on generated files.

    .venv/bin/pip install -e ".[test,bench]" && .venv/bin/pip install readability-lxml
    .venv/bin/python benchmarks/formats.py [--sections 60] [--repeat 3]

(readability-lxml is installed on its own: pip before 24 fails to resolve it together with
trafilatura, both asking for lxml's html-clean extra; without it that row is left out.)

Makes one long article (the test article of tests/formatgen.py, `--sections` times over with
numbered headings and a table per section) as .txt, .html, .docx and two PDFs: one written by
reportlab with its built-in STSong-Light CID font (not embedded: the reader maps character ids
through Adobe's GB1 CMap) and, where /usr/bin/chromium is installed, one printed by headless
Chromium with embedded Noto CJK subset fonts (how most published PDFs carry their text). Then:

1. kg's reader of each format (`read_document`): MB/s of the source file and of the text it
   gives (UTF-8 of the normalised text), against kg's extraction of that text
   (`process_document`: segmentation, extraction, resolution, relations) on the same text.
2. PDF libraries: pypdfium2 (kg's reader, and its bare text), pdfplumber and pdfminer.six on the
   same PDFs: MB/s, the share of the article's characters they give back in order (whitespace
   ignored), and the share of its sentences that come out whole (not cut by a line break).
3. HTML extractors: trafilatura (kg's), jusText and readability-lxml on the article's page:
   ms per page, how many of its paragraphs they keep, how many furniture strings get through.
4. DOCX readers: python-docx (kg's) and docx2python: MB/s and whether table rows come out whole.

Timings are the best of `--repeat` runs. The files are written to a temporary folder, removed
afterwards.
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import formatgen as gen  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def sections(n: int) -> list[tuple[str, list[str], list[list[str]]]]:
    """n numbered sections of the test article: (heading, paragraphs, table)."""
    out = []
    for i in range(1, n + 1):
        paragraphs = [p.replace("3月17日", f"{i % 12 + 1}月{i % 28 + 1}日") for p in gen.PARAGRAPHS]
        out.append((f"第{i}部分 {gen.TITLE}", paragraphs, gen.TABLE))
    return out


def truth(parts) -> tuple[str, list[str]]:
    """The article's characters (no whitespace) and its sentences, as a reader should give them."""
    text = "".join(h + "".join(ps) + "".join("".join(row) for row in table) for h, ps, table in parts)
    sentences = [s + "。" for h, ps, _ in parts for p in ps for s in p.split("。") if s]
    from kg.text import run

    return re.sub(r"\s+", "", run(text)), sentences


def write_txt(path: Path, parts) -> Path:
    lines = []
    for heading, paragraphs, table in parts:
        lines += [heading, *paragraphs, *("，".join(r) for r in table)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def html_body(parts) -> str:
    body = []
    for heading, paragraphs, table in parts:
        body.append(f"<h2>{heading}</h2>")
        body += [f"<p>{p}</p>" for p in paragraphs]
        rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in table)
        body.append(f"<table>{rows}</table>")
    return "".join(body)


def write_html(path: Path, parts) -> Path:
    page = gen.article_html().replace("".join(f"<p>{p}</p>" for p in gen.PARAGRAPHS), html_body(parts), 1)
    path.write_text(page, encoding="utf-8")
    return path


def write_docx(path: Path, parts) -> Path:
    import docx

    d = docx.Document()
    for heading, paragraphs, table in parts:
        d.add_heading(heading, level=2)
        for p in paragraphs:
            d.add_paragraph(p)
        gen.docx_table(d, table)
    d.save(str(path))
    return path


def write_pdf_reportlab(path: Path, parts) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas as pdfcanvas

    font, size, leading = "STSong-Light", 12, 20
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    left, right, top, bottom = 72, width - 72, height - 90, 90
    c = pdfcanvas.Canvas(str(path), pagesize=A4)
    lines = []
    indent = c.stringWidth("中中", font, size)
    columns = [0, 190, 300]
    for heading, paragraphs, table in parts:
        lines.append((left, [heading]))
        for p in paragraphs:
            first, *rest = gen._pdf_lines(c, font, size, p, right - left - indent)
            lines.append((left + indent, [first]))
            lines += [(left, [s]) for s in gen._pdf_lines(c, font, size, "".join(rest), right - left)]
        lines += [(left, row) for row in table]
    page, y = 1, top
    for x, cells in lines:
        if y < bottom:
            c.showPage()
            page, y = page + 1, top
        if y == top:
            c.setFont(font, 9)
            c.drawCentredString(width / 2, height - 50, "天府新区管理委员会 政务信息")
            c.drawCentredString(width / 2, 50, f"- {page} -")
        c.setFont(font, size)
        for column, cell in zip(columns, cells):
            c.drawString(x + column, y, cell)
        y -= leading
    c.showPage()
    c.save()
    return path


def write_pdf_chromium(path: Path, parts, tmp: Path) -> Path | None:
    if not Path(CHROMIUM).exists():
        return None
    page = tmp / "print.html"
    page.write_text('<html><head><meta charset="utf-8"><style>@page { margin: 25mm } '
                    'body { font-family: "Noto Serif CJK SC"; font-size: 12pt; line-height: 1.6 } '
                    'p { text-indent: 2em; margin: 0 } td { padding: 0 1em }</style></head><body>'
                    + html_body(parts) + "</body></html>", encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={path}", page.as_uri()], capture_output=True, timeout=300, check=True)
    return path


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def mb(n: int | float) -> float:
    return n / 2**20


# ---------------------------------------------------------------------------- 1. kg's readers


def kg_readers(files: dict, repeat: int) -> None:
    from kg.build.document import process_document
    from kg.extract.resources import load_resources
    from kg.ingest.reader import read_document

    res = load_resources(())
    process_document(read_document(files["txt"]), res)   # warm up: lexicons, automata, segmenter
    print("\n1. kg's readers (read_document) against extraction of the text they give")
    print(f"{'format':<16}{'source MB':>10}{'text MB':>9}{'read s':>8}{'src MB/s':>10}{'text MB/s':>10}"
          f"{'extract s':>10}{'extr MB/s':>10}{'read share':>11}")
    for kind, path in files.items():
        seconds, doc = best(lambda: read_document(path), repeat)
        text_bytes = len(doc.text.encode("utf-8"))
        ext, _ = best(lambda: process_document(doc, res), repeat)
        src = path.stat().st_size
        print(f"{kind:<16}{mb(src):>10.2f}{mb(text_bytes):>9.2f}{seconds:>8.2f}{mb(src) / seconds:>10.2f}"
              f"{mb(text_bytes) / seconds:>10.2f}{ext:>10.2f}{mb(text_bytes) / ext:>10.2f}"
              f"{seconds / (seconds + ext):>11.0%}")


# ---------------------------------------------------------------------------- 2. PDF libraries


def pdf_pypdfium2_kg(data: bytes) -> str:
    from kg.ingest.pdf import read

    return read(data, "bench.pdf").text


def pdf_pypdfium2_bare(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def pdf_pdfplumber(data: bytes) -> str:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdf_pdfminer(data: bytes) -> str:
    import io

    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


PDF_LIBS = {"pypdfium2 (kg)": pdf_pypdfium2_kg, "pypdfium2 bare": pdf_pypdfium2_bare,
            "pdfplumber": pdf_pdfplumber, "pdfminer.six": pdf_pdfminer}


def pdf_libraries(pdfs: dict, chars: str, sentences: list[str], repeat: int) -> None:
    from kg.text import run

    print("\n2. PDF libraries (chars: the article's characters given back in order, whitespace ignored;"
          " whole: sentences not cut by a line break)")
    print(f"{'pdf':<11}{'library':<16}{'pages':>6}{'MB':>7}{'s':>7}{'MB/s':>7}{'pages/s':>8}{'chars':>8}{'whole':>7}"
          f"{'header':>8}")
    for name, path in pdfs.items():
        data = path.read_bytes()
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(data)
        pages = len(doc)
        doc.close()
        for lib, fn in PDF_LIBS.items():
            seconds, text = best(lambda: fn(data), repeat if "pdfium" in lib else 1)
            text = run(text)   # the same normalisation kg gives every text (width, whitespace, script)
            got = re.sub(r"\s+", "", text)
            ratio = difflib.SequenceMatcher(None, chars, got, autojunk=False).ratio() if len(chars) < 60_000 else \
                _ratio_by_blocks(chars, got)
            whole = sum(run(s) in text for s in sentences) / len(sentences)
            header = "kept" if "政务信息" in text else "-"
            print(f"{name:<11}{lib:<16}{pages:>6}{mb(len(data)):>7.2f}{seconds:>7.2f}{mb(len(data)) / seconds:>7.2f}"
                  f"{pages / seconds:>8.0f}{ratio:>8.1%}{whole:>7.0%}{header:>8}")


def _ratio_by_blocks(a: str, b: str, size: int = 20_000) -> float:
    """SequenceMatcher's ratio on aligned blocks (it is quadratic on long texts)."""
    scores = [difflib.SequenceMatcher(None, a[i:i + size], b[i:i + size], autojunk=False).ratio()
              for i in range(0, len(a), size)]
    return sum(scores) / len(scores)


# ---------------------------------------------------------------------------- 3. HTML extractors


def html_trafilatura(page: str) -> str:
    from kg.ingest.html import extract

    return extract(page).text


def html_justext(page: str) -> str:
    import justext

    paragraphs = justext.justext(page.encode("utf-8"), justext.get_stoplist("English"), length_low=10,
                                 length_high=30, stopwords_low=0.0, stopwords_high=0.0)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def html_readability(page: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(page).summary()
    return lxml.html.fromstring(summary).text_content()


HTML_LIBS = {"trafilatura (kg)": html_trafilatura, "jusText": html_justext, "readability-lxml": html_readability}


def html_extractors(repeat: int) -> None:
    page = gen.article_html()
    furniture = [*gen.NAV[1:], *gen.RELATED, "版权所有", "分享到", "当前位置"]
    print("\n3. HTML extractors on the test article's page (paragraphs kept of "
          f"{len(gen.PARAGRAPHS)}, table rows of {len(gen.TABLE)}, furniture strings through of {len(furniture)})")
    print(f"{'extractor':<18}{'ms/page':>8}{'paragraphs':>11}{'rows':>6}{'furniture':>10}")
    for lib, fn in HTML_LIBS.items():
        try:
            seconds, text = best(lambda: fn(page), repeat)
        except ImportError as exc:
            print(f"{lib:<18} not installed ({exc.name})")
            continue
        flat = re.sub(r"\s+", "", text)
        kept = sum(re.sub(r"\s+", "", p) in flat for p in gen.PARAGRAPHS)
        rows = sum(all(c in text for c in row) for row in gen.TABLE)
        leaked = sum(f in text for f in furniture)
        print(f"{lib:<18}{seconds * 1000:>8.1f}{kept:>11}{rows:>6}{leaked:>10}")


# ---------------------------------------------------------------------------- 4. DOCX readers


def docx_python_docx(path: Path) -> str:
    from kg.ingest.docx import read

    return read(path.read_bytes(), path).text


def docx_docx2python(path: Path) -> str:
    from docx2python import docx2python

    with docx2python(str(path)) as result:
        return result.text


def docx_readers(path: Path, repeat: int) -> None:
    print("\n4. DOCX readers (rows whole: table rows whose cells come out on one line, in order)")
    print(f"{'reader':<20}{'MB':>6}{'s':>7}{'MB/s':>7}{'rows whole':>11}")
    rows = gen.TABLE
    for lib, fn in {"python-docx (kg)": docx_python_docx, "docx2python": docx_docx2python}.items():
        seconds, text = best(lambda: fn(path), repeat)
        lines = text.split("\n")
        whole = sum(any(all(c in ln for c in row) for ln in lines) for row in rows) / len(rows)
        size = path.stat().st_size
        print(f"{lib:<20}{mb(size):>6.2f}{seconds:>7.2f}{mb(size) / seconds:>7.2f}{whole:>11.0%}")


def main() -> None:
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)   # one FontBBox warning per CID font and page
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sections", type=int, default=60, help="copies of the article (60: about 0.2 MB of text)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    parts = sections(args.sections)
    chars, sentences = truth(parts)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = {"txt": write_txt(tmp / "a.txt", parts), "html": write_html(tmp / "a.html", parts),
                 "docx": write_docx(tmp / "a.docx", parts)}
        pdfs = {"reportlab": write_pdf_reportlab(tmp / "a.pdf", parts)}
        printed = write_pdf_chromium(tmp / "chromium.pdf", parts, tmp)
        if printed is not None:
            pdfs["chromium"] = printed
        files.update({f"pdf ({k})": v for k, v in pdfs.items()})
        print(f"article x {args.sections}: {len(chars):,} characters, {len(sentences):,} sentences; Python "
              f"{sys.version.split()[0]}")
        kg_readers(files, args.repeat)
        pdf_libraries(pdfs, chars, sentences, args.repeat)
        html_extractors(args.repeat)
        docx_readers(files["docx"], args.repeat)


if __name__ == "__main__":
    main()
