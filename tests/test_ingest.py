"""kg.ingest.reader: encodings, unreadable inputs, web-page furniture, metadata and sentence offsets."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest.reader import detect_encoding, make_document, read_document, split_sentences

SIMPLIFIED = "兰州新区位于甘肃省兰州市,重点发展新材料产业和装备制造产业。"
TRADITIONAL = "蘭州新區位於甘肅省蘭州市,重點發展新材料產業和裝備製造產業。"
TRAD_LONG = ("新形勢下,怎樣以科技創新引領產業轉型升級?近日,天府新區召開專題座談,"
             "圍繞區域產業基礎,為壯大戰略性新興產業和數字經濟謀篇布局、理清思路。")


# ---------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding, sample, detected", [
    ("utf-8", SIMPLIFIED, "utf-8"),
    ("utf-8-sig", SIMPLIFIED, "utf-8"),
    ("utf-8", TRADITIONAL, "utf-8"),
    ("gb18030", SIMPLIFIED, "gb18030"),
    ("gb18030", TRADITIONAL, "gb18030"),
    ("gbk", SIMPLIFIED, "gb18030"),          # GBK is a subset of GB18030
    ("gb2312", "兰州新区建设", "gb18030"),
    ("big5", TRADITIONAL, "big5"),
    ("big5", TRAD_LONG, "big5"),
    ("big5", "蘭州新區", "big5"),
    ("utf-16", SIMPLIFIED, "utf-16"),        # with BOM
])
def test_encodings_detected_and_decoded(tmp_path, encoding, sample, detected):
    path = tmp_path / "doc.txt"
    path.write_bytes(sample.encode(encoding))
    doc = read_document(path)
    assert doc.encoding == detected
    assert doc.original == sample
    assert "\ufeff" not in doc.text


def test_big5_document_is_simplified_and_keeps_its_spelling(tmp_path):
    path = tmp_path / "trad.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    doc = read_document(path)
    assert doc.script == "traditional"
    assert doc.text == SIMPLIFIED
    assert doc.original == TRADITIONAL
    assert len(doc.text) == len(doc.original)


def test_simplified_document_script(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes(SIMPLIFIED.encode("gb18030"))
    assert read_document(path).script == "simplified"


@pytest.mark.parametrize("text", [SIMPLIFIED, TRADITIONAL, TRAD_LONG, "兰州", "新區", "ab兰州cd"])
def test_detect_encoding_gb_vs_big5(text):
    for enc in ("gb18030", "big5"):
        try:
            data = text.encode(enc)
        except UnicodeEncodeError:
            continue
        if data.isascii():
            continue
        assert detect_encoding(data) == enc, (text, enc)


def test_utf8_with_bom_and_crlf(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "第一行。\r\n第二行。\r第三行。".encode())
    doc = read_document(path)
    assert doc.text == "第一行。\n第二行。\n第三行。"
    assert [s.text for s in doc.sentences] == ["第一行。", "第二行。", "第三行。"]


# ---------------------------------------------------------------------------- unreadable inputs


@pytest.mark.parametrize("name, data, problem", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\r\n ", "empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary|not a text file"),
    ("zip.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200), "binary|not a text file"),
    ("latin1.txt", "café naïve".encode("latin-1") + b"\xff\xfe\xfd", ""),
])
def test_unreadable_file_raises_input_error_naming_it(tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert err.value.path == str(path)
    assert str(path) in str(err.value)
    assert re.search(problem, str(err.value))
    assert "\n" not in str(err.value)


def test_missing_file(tmp_path):
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(path) in str(err.value)


def test_directory_is_not_a_document(tmp_path):
    with pytest.raises(InputError) as err:
        read_document(tmp_path)
    assert str(tmp_path) in str(err.value)


# ---------------------------------------------------------------------------- furniture

FURNITURE = ["点击下载", "分享", "回到顶部", "版权声明", "相关新闻", "当前位置", "首页", "上一篇", "浏览"]
NEWS_ENTERPRISE = "丙丁光电科技有限公司"
WEB_PAGE = f"""首页 > 新闻中心 > 园区动态
当前位置:首页 > 新闻
兰州新区推进产业集群建设
发布时间:2024-03-05 来源:兰州日报
记者 王小明 李大华
点击下载
分享:微信 微博
浏览次数:1024
兰州新区召开工作会议,部署全年工作。
会议指出,新区要加快发展新材料产业。
上一篇:新区召开座谈会
回到顶部
版权声明:本网站所刊登的资讯,版权归兰州日报所有。
相关新闻
{NEWS_ENTERPRISE}签约入驻兰州新区
戊己重工集团有限公司项目开工
"""


def test_furniture_lines_are_dropped():
    doc = make_document(WEB_PAGE)
    body = "\n".join(s.text for s in doc.sentences)
    for word in FURNITURE + [NEWS_ENTERPRISE, "戊己重工"]:
        assert word not in body, word
    assert "兰州新区召开工作会议,部署全年工作。" in [s.text for s in doc.sentences]
    assert doc.dropped_lines >= 8


def test_furniture_yields_no_entities(write_corpus, tmp_path):
    from rdflib import RDFS, Graph

    from kg.build import build

    page = write_corpus({"page.txt": WEB_PAGE})
    # the same enterprise sentence in the body is extracted, so its absence above is the furniture rule
    control = write_corpus({"body.txt": f"{NEWS_ENTERPRISE}签约入驻兰州新区。\n"}, folder="control")
    labels = {}
    for name, folder in (("page", page), ("control", control)):
        report = build([folder], tmp_path / f"out-{name}")
        g = Graph().parse(report.output, format="turtle")
        labels[name] = {str(o) for o in g.objects(None, RDFS.label)}
    assert NEWS_ENTERPRISE in labels["control"]
    assert not any(NEWS_ENTERPRISE in label or "戊己重工" in label for label in labels["page"])
    assert not any(word in label for label in labels["page"] for word in FURNITURE)


# ---------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("text, expected", [
    ("兰州新区召开会议\n时间:2024/3/5\n正文。", {"date": "2024-03-05", "title": "兰州新区召开会议"}),
    ("兰州新区召开会议\n日期:2024.03.05\n正文。", {"date": "2024-03-05"}),
    ("兰州新区召开会议\n- 时间:2024-05-07\n正文。", {"date": "2024-05-07"}),
    ("兰州新区召开会议\n2024年3月5日 星期二\n正文。", {"date": "2024-03-05"}),
    ("栏目:要闻速览发布:2023-11-02浏览:58收藏\n正文。", {"date": "2023-11-02"}),
    ("标题在这里写\n发布时间:2021-06-18 09:30:12 来源:市融媒体中心\n正文。", {"date": "2021-06-18", "source": "市融媒体中心"}),
    ("- 来源:天府新区报\n正文。", {"source": "天府新区报"}),
    ("- 來源:天府新區(qū)報\n正文。", {"source": "天府新区报"}),
    ("记者 孟庆和\n正文。", {"authors": ["孟庆和"]}),
    ("記者?梁曉東\n正文。", {"authors": ["梁晓东"]}),
    ("记者 王小明 李大华\n正文。", {"authors": ["王小明", "李大华"]}),
    ("通讯员 李四、王五\n正文。", {"authors": ["李四", "王五"]}),
    ("文/张三\n正文。", {"authors": ["张三"]}),
    ("聚势而强 乘势而上\n——天府新区加快发展数字经济\n正文。",
     {"title": "聚势而强 乘势而上——天府新区加快发展数字经济"}),
])
def test_metadata(text, expected):
    doc = make_document(text)
    for key, value in expected.items():
        assert doc.metadata.get(key) == value, (key, doc.metadata)
    # metadata lines are not body text
    body = "\n".join(s.text for s in doc.sentences)
    assert not re.search(r"\d{4}", body), body
    for value in [expected.get("source", "")] + expected.get("authors", []):
        assert not value or value not in body, body


def test_speaker_and_speech_date():
    from kg.build.document import process_document

    doc = make_document("在天府新区民营企业座谈会上的讲话\n四川省省长 周明远\n(2023年6月8日)\n"
                        "同志们:\n今天来到新区,主要是听听企业家们的意见和建议。\n")
    assert doc.metadata["speech_date"] == "2023-06-08"
    assert doc.metadata["date"] == "2023-06-08"
    assert doc.metadata["title"] == "在天府新区民营企业座谈会上的讲话"
    process_document(doc)
    assert doc.metadata["speaker"] == "周明远"
    assert "周明远" in doc.metadata["authors"]


def test_no_metadata_in_plain_text():
    doc = make_document("兰州新区重点发展新材料产业,加快建设现代化产业体系。")
    assert not {"date", "source", "authors", "speech_date"} & set(doc.metadata)


def test_publication_date_in_chinese_form_is_not_a_speech_date():
    doc = make_document("兰州新区召开工作会议\n发布时间:2024年3月5日\n兰州新区召开工作会议,部署全年工作。")
    assert doc.metadata.get("date") == "2024-03-05"
    assert "speech_date" not in doc.metadata


# ---------------------------------------------------------------------------- sentences


def _check_offsets(doc):
    assert len(doc.text) == len(doc.original)
    last = -1
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text
        assert s.text and s.text.strip(" \n") == s.text
        assert s.start >= last
        last = s.end


def test_sentence_split_and_offsets():
    text = "他说:“好。”然后走了!真的吗?是的;好\n\n第二段  内容。"
    doc = make_document(text)
    assert [s.text for s in doc.sentences] == ["他说:“好。”", "然后走了!", "真的吗?", "是的;", "好", "第二段 内容。"]
    _check_offsets(doc)


def test_sentence_offsets_after_normalisation():
    doc = make_document("ＡＢＣ　蘭州新區(qū)報道。\r\n\u200b新區(qū)將繼續努力!")
    _check_offsets(doc)
    assert [s.text for s in doc.sentences] == ["ABC 兰州新区报道。", "新区将继续努力!"]
    s = doc.sentences[0]
    assert doc.original_spelling(s.start, s.end) == "ABC 蘭州新區報道。"


def test_split_sentences_respects_range():
    text = "甲。乙。丙。丁。"
    assert [s.text for s in split_sentences(text, 2, 6)] == ["乙。", "丙。"]


def test_seed_sentences_keep_offsets(seed_docs):
    assert seed_docs
    for doc in seed_docs.values():
        assert doc.sentences
        _check_offsets(doc)


def test_seed_pinyin_glosses_removed(seed_docs):
    gloss = re.compile(r"[\u4e00-\u9fff]\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")
    for rel, doc in seed_docs.items():
        assert not gloss.search(doc.text), rel
        assert not gloss.search(doc.original), rel


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(["兰州新区", "。", "!", "”", "“", "\n", "\r\n", " ", "\u3000", "區(qū)", "点击下载",
                              "相关新闻", "记者 王小明", "时间:2024-05-07", ";", "?", "a"]), max_size=30).map("".join),
))
def test_sentence_offsets_property(text):
    _check_offsets(make_document(text))


def test_date_and_time_line_at_the_head_of_a_news_page():
    doc = make_document("高新区召开会议\n2024-03-12 09:30 来源:四川日报\n高新区召开工作会议,部署全年工作。")
    assert doc.metadata.get("date") == "2024-03-12"
    assert doc.metadata.get("source") == "四川日报"
    assert not any("09:30" in s.text for s in doc.sentences)


@pytest.mark.parametrize("text, source, authors", [
    ("长沙经开区签约\n长沙晚报讯(记者 李华)11月5日,长沙经济技术开发区举行签约仪式。", "长沙晚报", ["李华"]),
    ("政府工作报告\n新华社北京3月5日电(记者 张三 李四)国务院总理作政府工作报告。", "新华社", ["张三", "李四"]),
    ("高新区召开会议\n本报讯(记者 王五 通讯员 赵六)近日,高新区召开会议。", None, ["王五", "赵六"]),
])
def test_news_lead_gives_source_and_reporters(text, source, authors):
    meta = make_document(text).metadata
    assert meta.get("source") == source
    assert meta.get("authors") == authors


def test_no_news_lead_in_ordinary_sentences():
    assert "source" not in make_document("网上报名讯息很多。兰州新区加快发展。").metadata


def test_line_rules_quick_test_agrees_with_the_rules():
    """The one-alternation quick test for body lines (`_any_rule`) takes only rules whose every
    branch is anchored, and says "no rule" exactly where no meta, stop or drop rule matches."""
    from kg.ingest.reader import _anchored, _any_rule, line_rules

    assert _anchored("^(a|b)$") and _anchored("^[|]x") and _anchored(r"^a\|b")
    assert not _anchored("^a|b") and not _anchored("a^")
    rules = line_rules()
    every = [rx for _, rx in rules.meta] + list(rules.stop) + list(rules.drop)
    lines = ["甲乙公司在本市投资建设新项目。", "首页 > 新闻 > 本地", "来源:本报", "2024年3月1日",
             "上一篇:旧闻", "记者 王小明", "版权声明:本站所有", "12", "本文~~~", "(2023年5月6日)", "打印本页"]
    for line in lines:
        assert _any_rule(rules, line) == any(rx.search(line) for rx in every), line
