"""Bodies named after a division (kg/data/bodies.tsv, kg/extract/bodies.py): `[中共]<region><body>`
recognised for every division, the division itself named with it, and what is not a body."""

from __future__ import annotations

import pytest

from kg.build.document import resources
from kg.errors import DataFileError
from kg.extract.context import Context
from kg.extract.registry import extract
from kg.ingest.reader import make_document


def spans(text: str):
    lex, gaz, aff = resources(())
    ctx = Context(make_document(text), lex, gaz, aff)
    return extract(ctx)


def orgs(text: str) -> list[tuple[str, str]]:
    return [(s.text, s.name) for s in spans(text) if s.type == "Organization"]


@pytest.mark.parametrize("text, bodies", [
    ("设立中共延庆区委、延庆区人民政府派出机构。", ["中共延庆区委", "延庆区人民政府"]),
    ("甘肃省政协副主席出席会议。", ["甘肃省政协"]),
    ("临夏州人大常委会、临夏州政协有关负责人参加调研。", ["临夏州人大常委会", "临夏州政协"]),
    ("中共临夏州州委、临夏州人民政府印发意见。", ["中共临夏州州委", "临夏州人民政府"]),
    ("据兰州市商务局消息,兰州市投资促进局与企业对接。", ["兰州市商务局", "兰州市投资促进局"]),
    ("在四川省委党校教授看来。", ["四川省委党校"]),
    ("据甘肃省人民政府办公厅消息。", ["甘肃省人民政府办公厅"]),
    ("成都市武侯区人民政府与企业签约。", ["成都市武侯区人民政府"]),     # a city's district: one name
])
def test_a_body_named_after_a_division(text, bodies):
    assert [t for t, _ in orgs(text)] == bodies
    assert all(s.rule == "gazetteer.body" for s in spans(text) if s.type == "Organization")


def test_two_bodies_of_one_division_written_together_are_two():
    assert orgs("这是延庆区委区政府作出的部署。") == [("延庆区委", "延庆区委"), ("区政府", "延庆区政府")]


def test_a_province_before_a_city_is_not_part_of_the_citys_government():
    found = spans("近日,甘肃兰州市政府与企业签约。")
    assert [s.text for s in found if s.type == "Organization"] == ["兰州市政府"]
    assert {s.name for s in found if s.type == "Region"} == {"甘肃省", "兰州市"}


@pytest.mark.parametrize("text", [
    "南京市委书记张某出席。",          # the committee qualifies the post
    "市委市政府高度重视。",            # no division named
    "省政府、省委作出部署。",
    "2023年兰州市政府工作报告。",      # a report's title
    "加快数字政府建设。",
    "由省辖市政府统筹推进。",
    "王某代表市政府发言。",
])
def test_what_is_not_a_named_body(text):
    assert orgs(text) == []


def test_the_division_of_a_body_is_named_with_it():
    found = spans("兰州市政府与企业签约。")
    assert [(s.text, s.name, s.rule) for s in found if s.type == "Region"] == [("兰州市", "兰州市", "nested.body_region")]


def test_only_the_innermost_division_of_a_body_is_its_jurisdiction():
    found = spans("成都市武侯区人民政府与企业签约。")
    assert [(s.text, s.rule) for s in found if s.type == "Region"] == [("武侯区", "nested.body_region")]


def test_a_company_named_after_a_place_does_not_name_the_place():
    assert [s for s in spans("兰州银河科技有限公司签约。") if s.type == "Region"] == []


@pytest.mark.parametrize("rows, words", [
    ("委\tparty\n政协\tchurch\n", ["unknown kind", "church"]),
    ("委\tparty\n委\tparty\n", ["given twice"]),
])
def test_bodies_file_is_strict(tmp_path, monkeypatch, rows, words):
    import kg.extract.lexicon as lexicon

    path = tmp_path / "bodies.tsv"
    path.write_text("# test\nword\tkind\n" + rows, encoding="utf-8")
    bundled = lexicon.data_path
    monkeypatch.setattr(lexicon, "data_path", lambda name: path if name == "bodies.tsv" else bundled(name))
    with pytest.raises(DataFileError) as err:
        lexicon.load()
    assert str(err.value).startswith(f"{path}:") and all(w in str(err.value) for w in words)


# ---------------------------------------------------------------------------- divisions in text


@pytest.mark.parametrize("text, street", [
    ("揭牌仪式在江夏区纸坊街道举行。", "纸坊街道"),          # after a county
    ("活动由密云街道承办。", "密云街道"),                      # a county's short form
])
def test_a_sub_district_is_a_region(text, street):
    assert [(s.text, s.rule) for s in spans(text) if s.text == street] == [(street, "gazetteer.street")]


@pytest.mark.parametrize("text", ["各街道要加强管理。", "城市街道整洁干净。", "老城街道改造提升。"])
def test_a_street_word_without_a_place_name_is_no_region(text):
    assert [s for s in spans(text) if s.type == "Region"] == []


def test_a_frequent_word_that_is_a_county_short_form_needs_the_county_named_in_full():
    assert [s.text for s in spans("南昌市召开会议,新建项目集中开工。") if s.type == "Region"] == ["南昌市"]
    assert "新建" in [s.text for s in spans("南昌市新建区召开会议,新建的园区开工。") if s.type == "Region"]


def test_a_county_name_that_is_an_ordinary_word_needs_its_city():
    assert [s for s in spans("建设现代化新城区。") if s.type == "Region"] == []
    assert [s.name for s in spans("西安市新城区召开会议。") if s.type == "Region"] == ["西安市", "新城区"]


@pytest.mark.parametrize("text", ["推进中德国际产业园建设。", "首页 > 地方新闻 > 湖南新闻 > 正文"])
def test_a_region_name_glued_into_another_word_or_a_page_section_is_no_mention(text):
    assert [s for s in spans(text) if s.type == "Region"] == []


def test_county_common_file_is_strict(tmp_path, monkeypatch):
    import kg.extract.lexicon as lexicon

    path = tmp_path / "county_common.tsv"
    path.write_text("form\tcode\tname\treason\n新建\t360112\t新建区\tjieba\n兰州\t620100\t兰州市\tjieba\n",
                    encoding="utf-8")
    bundled = lexicon.data_path
    monkeypatch.setattr(lexicon, "data_path", lambda name: path if name == "county_common.tsv" else bundled(name))
    with pytest.raises(DataFileError) as err:
        lexicon.load()
    assert str(err.value).startswith(f"{path}:3: ") and "county" in str(err.value)


# ---------------------------------------------------------------------------- other named bodies


@pytest.mark.parametrize("text, org", [
    ("兰州市新能源汽车联盟召开年会。", "兰州市新能源汽车联盟"),
    ("博瑞全球研发中心、星宇电器全球研发中心入驻。", "博瑞全球研发中心"),   # a name before 全球
    ("粤港澳潮汕商会总会项目将建立总部。", "粤港澳潮汕商会总会"),   # an association owns the project
])
def test_alliances_research_centres_and_associations(text, org):
    found = [s.text for s in spans(text) if s.type == "Organization"]
    assert (org in found) if org else found == []


def test_a_generic_research_centre_is_no_name():
    assert [s for s in spans("成立产业联盟和技术研发中心。") if s.type == "Organization"] == []
