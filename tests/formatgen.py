"""One article written as .txt, .html, .pdf and .docx, for the input-format tests and benchmark.

The article is written for these tests (no text from the seeds or the dev set). Every fixture is
generated here: HTML as a string, PDF with reportlab's built-in CJK CID font (STSong-Light, no
font file), DOCX with python-docx. reportlab and python-docx are in the `[test]` extra.
"""

from __future__ import annotations

from pathlib import Path

TITLE = "天府新区加快建设电子信息产业集群"
DATE_LINE = "2025-03-18 来源：川西日报"
PARAGRAPHS = [
    "3月17日，四川天府新区召开电子信息产业发展推进会，新区党工委书记张明远出席会议并讲话。",
    "天府新区位于四川省成都市，近年来重点发展电子信息、人工智能和生物医药产业，产业规模连续三年保持两位数增长。"
    "会议指出，成都蓉芯微电子有限公司、四川川能智造科技有限公司等龙头企业已在新区布局，带动集成电路、新型显示等上下游"
    "配套企业加快集聚，形成了从芯片设计到整机制造的完整链条。",
    "天府新区与重庆两江新区签署战略合作协议，双方将在人工智能和智能制造领域开展协同创新，共同建设成渝地区双城经济圈"
    "电子信息产业走廊。",
    "今年新区计划推进天府数字经济产业园项目，项目总投资120亿元，预计2026年建成投产。新区管委会副主任李晓燕介绍，"
    "成都芯源半导体有限公司主要从事功率半导体芯片研发，已入驻新区科学城片区。",
    "下一步，天府新区将持续优化营商环境，加快培育新质生产力，推动电子信息产业向高端化、智能化、绿色化迈进。",
]
TABLE = [
    ["项目名称", "所在园区", "总投资"],
    ["天府数字经济产业园项目", "天府新区", "120亿元"],
    ["成都芯源功率半导体生产线项目", "天府新区科学城", "35亿元"],
]
# How a table row reads as text (kg.ingest.formats.row_text): cells joined with a full-width comma.
TABLE_LINES = ["，".join(row) for row in TABLE]


def article_text() -> str:
    """The article as a plain text file would hold it: title, date line, paragraphs, table rows."""
    return "\n".join([TITLE, DATE_LINE, *PARAGRAPHS, *TABLE_LINES]) + "\n"


def write_txt(path: Path) -> Path:
    path.write_text(article_text(), encoding="utf-8")
    return path


NAV = ["首页", "新区概况", "政务公开", "投资服务", "新闻中心", "联系我们"]
RELATED = ["高新区举办第二届人才交流大会", "市场监管局开展春季食品安全检查", "新区图书馆延长开放时间"]


def article_html(charset: str = "utf-8") -> str:
    """The article on a government-style news page: navigation, scripts, styles, a comment, a
    related-news list and a footer around it; the table as an HTML table."""
    nav = "".join(f'<li><a href="/{i}">{n}</a></li>' for i, n in enumerate(NAV))
    related = "".join(f'<li><a href="/news/{i}.html">{t}</a></li>' for i, t in enumerate(RELATED))
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="{charset}">
<title>{TITLE}_天府新区管理委员会</title>
<meta name="author" content="王立新">
<meta property="og:site_name" content="天府新区管理委员会">
<meta name="PubDate" content="2025-03-18 09:30">
<style>.nav {{ color: red }} body::after {{ content: "天府新区位于云南省" }}</style>
<script>var tracker = "天府新区位于云南省昆明市"; document.write("<p>广告</p>");</script>
</head><body>
<div class="header"><div class="logo">天府新区管理委员会</div>
<nav class="nav"><ul>{nav}</ul></nav></div>
<!-- 天府新区位于贵州省: a comment that must never be read -->
<div class="breadcrumb">当前位置:首页 &gt; 新闻中心 &gt; 新区动态</div>
<div class="main"><article class="article">
<h1>{TITLE}</h1>
<div class="info">发布时间:2025-03-18 来源:川西日报 作者:王立新</div>
<div class="content">{body}<table>{rows}</table></div>
</article>
<div class="share">分享到:微信 微博</div>
<div class="related"><h3>相关新闻</h3><ul>{related}</ul></div></div>
<footer><p>版权所有:天府新区管理委员会 备案号:蜀ICP备00000000号</p>
<p>地址:四川省成都市天府大道 电话:028-00000000</p></footer>
<script src="/js/stat.js"></script><noscript>天府新区位于西藏</noscript>
</body></html>
"""


def write_html(path: Path, charset: str = "utf-8", encoding: str | None = None) -> Path:
    path.write_bytes(article_html(charset).encode(encoding or charset))
    return path


def _pdf_lines(canvas, font: str, size: float, text: str, width: float) -> list[str]:
    """text cut into lines of at most `width` points (characters are not split; no hyphenation)."""
    lines, line = [], ""
    for ch in text:
        if canvas.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    if line:
        lines.append(line)
    return lines


def write_pdf(path: Path, pages: int = 2, header: str = "天府新区管理委员会 政务信息") -> Path:
    """The article as a Chinese PDF of `pages` pages (STSong-Light): a running header and a page
    number on every page, paragraphs indented by two characters and broken mid-sentence at the
    right margin, and the text cut where the page is full, so one sentence runs across the page
    break. The table rows are drawn as cells at fixed columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas as pdfcanvas

    font, size, leading = "STSong-Light", 12, 20
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    left, right, top = 72, width - 72, height - 90
    c = pdfcanvas.Canvas(str(path), pagesize=A4)
    c.setTitle(TITLE)
    lines: list[tuple[str, float, str]] = [("title", width / 2, TITLE), ("text", left, DATE_LINE)]
    indent = c.stringWidth("中中", font, size)
    for p in PARAGRAPHS:
        first, *rest = _pdf_lines(c, font, size, p, right - left - indent)
        lines.append(("text", left + indent, first))
        joined = "".join(rest)
        lines += [("text", left, s) for s in _pdf_lines(c, font, size, joined, right - left)]
    lines += [("row", left, "\t".join(row)) for row in TABLE]
    gap = c.stringWidth("中中", font, size)
    columns = [max(c.stringWidth(row[i], font, size) for row in TABLE) + gap for i in range(len(TABLE[0]))]
    per_page = -(-len(lines) // pages)
    for number in range(pages):
        c.setFont(font, 9)
        c.drawCentredString(width / 2, height - 50, header)
        c.line(left, height - 56, right, height - 56)
        c.drawCentredString(width / 2, 50, f"- {number + 1} -")
        y = top
        for kind, x, text in lines[number * per_page:(number + 1) * per_page]:
            c.setFont(font, 16 if kind == "title" else size)
            if kind == "title":
                c.drawCentredString(x, y, text)
            elif kind == "row":
                for i, cell in enumerate(text.split("\t")):
                    c.drawString(x + sum(columns[:i]), y, cell)
            else:
                c.drawString(x, y, text)
            y -= leading * (1.5 if kind == "title" else 1)
        c.showPage()
    c.save()
    return path


def write_docx(path: Path) -> Path:
    """The article as a Word file: title as a heading, paragraphs, the table as a Word table."""
    import docx

    d = docx.Document()
    d.core_properties.title = TITLE
    d.core_properties.author = "王立新"
    d.add_heading(TITLE, level=1)
    d.add_paragraph(DATE_LINE)
    for p in PARAGRAPHS:
        d.add_paragraph(p)
    docx_table(d, TABLE)
    d.save(str(path))
    return path


def docx_table(document, rows: list[list[str]]) -> None:
    """Add `rows` to a python-docx document as a Word table."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for i, cell in enumerate(row):
            table.cell(r, i).text = cell


WRITERS = {"txt": write_txt, "html": write_html, "pdf": write_pdf, "docx": write_docx}


def write_all(folder: Path, stem: str = "article") -> dict[str, Path]:
    """The article in every format in `folder`: {suffix: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    return {kind: write(folder / f"{stem}.{kind}") for kind, write in WRITERS.items()}
