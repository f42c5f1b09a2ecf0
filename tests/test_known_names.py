"""The big general lists (kg/data/enterprises.tsv, universities.tsv, institutes.tsv,
ambiguous_names.tsv) and county short forms: loaded strictly, matched only where the text
supports them (kg/extract/known.py), and resolved to one entity with the registered name."""

from __future__ import annotations

import pytest

from kg.build.document import process_document, resources
from kg.errors import DataFileError
from kg.extract.context import Context
from kg.extract.registry import extract
from kg.ingest.reader import make_document


def spans(text: str):
    lex, gaz, aff = resources(())
    ctx = Context(make_document(text), lex, gaz, aff)
    out = extract(ctx)
    for s in out:
        assert ctx.text[s.start:s.end] == s.text
    return out


def names(text: str, etype: str) -> list[str]:
    return [s.text for s in spans(text) if s.type == etype]


def entities(text: str, etype: str) -> dict:
    result = process_document(make_document(text))
    return {e.name: e for e in result.entities.values() if e.type == etype}


# ---------------------------------------------------------------------------- loading


def test_lists_are_loaded_with_their_short_forms():
    lex = resources(())[0]
    assert lex.known_entry("比亚迪").name == "比亚迪股份有限公司"
    assert lex.known_entry("中粮").type == "Enterprise"
    assert lex.known_entry("浙大").name == "浙江大学" and lex.known_entry("浙大").type == "Organization"
    assert lex.known_entry("中科院上海天文台").name.startswith("中国科学院")
    assert "美的" in lex.ambiguous and "比亚迪" not in lex.ambiguous
    # the core lexicon keeps its own forms: a region or a national body is never a list name
    assert lex.known_entry("北京") is None and lex.known_entry("中科院") is None


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """kg/data with the four list files replaced by small test files (written by the test)."""
    import kg.extract.lexicon as lexicon

    bundled = lexicon.data_path
    mine = {"enterprises.tsv", "universities.tsv", "institutes.tsv", "ambiguous_names.tsv"}
    monkeypatch.setattr(lexicon, "data_path", lambda name: tmp_path / name if name in mine else bundled(name))
    (tmp_path / "universities.tsv").write_text("name\taliases\tregion\tsource\n甲乙大学\t甲大\t甲省\tmoe\n",
                                               encoding="utf-8")
    (tmp_path / "institutes.tsv").write_text("name\taliases\tparent\tsource\n", encoding="utf-8")
    (tmp_path / "ambiguous_names.tsv").write_text("alias\tname\ttype\treason\n", encoding="utf-8")
    return tmp_path


ENTERPRISE_COLUMNS = "name\taliases\tindustry\tindustry_detail\tgroup\tsource\tcodes\n"


@pytest.mark.parametrize("file, text, line, words", [
    ("enterprises.tsv", ENTERPRISE_COLUMNS + "丙丁股份有限公司\t丙丁\t\t\t\ta_share\t\n丙丁股份有限公司\t\t\t\t\ta_share\t\n",
     3, ["given twice"]),
    ("enterprises.tsv", ENTERPRISE_COLUMNS + "丙丁股份有限公司\t丙丁\t\t\t\t\t\n", 2, ["empty 'source'"]),
    ("ambiguous_names.tsv", "alias\tname\ttype\treason\n戊己\t丙丁股份有限公司\tEnterprise\tcommon_word\n", 2,
     ["not a form of"]),
    ("ambiguous_names.tsv", "alias\tname\ttype\treason\n丙丁\t丙丁股份有限公司\tCompany\tcommon_word\n", 2,
     ["unknown type", "Company"]),
])
def test_list_files_are_strict(data_dir, file, text, line, words):
    from kg.extract.lexicon import load

    if file != "enterprises.tsv":
        (data_dir / "enterprises.tsv").write_text(ENTERPRISE_COLUMNS + "丙丁股份有限公司\t丙丁\t\t\t\ta_share\t\n",
                                                  encoding="utf-8")
    (data_dir / file).write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load()
    assert str(err.value).startswith(f"{data_dir / file}:{line}: "), str(err.value)
    for w in words:
        assert w in str(err.value)


def test_a_bad_name_context_trigger_is_an_error(tmp_path):
    from kg.extract.lexicon import Lexicon, load_triggers

    path = tmp_path / "t.tsv"
    path.write_text("word\trole\tvalue\n签约\tname_context\tCompany\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="name_context"):
        load_triggers(Lexicon(), path)


# ---------------------------------------------------------------------------- matching


@pytest.mark.parametrize("text, name", [
    ("比亚迪新能源汽车研发总部项目昨日签约。", "比亚迪"),
    ("中粮大厦项目签约落地。", "中粮"),
    ("会上,科大讯飞介绍了语音技术。", "科大讯飞"),
    ("建发股份投资建设物流园。", "建发股份"),
])
def test_a_listed_company_is_found_by_its_short_name(text, name):
    assert name in names(text, "Enterprise")


@pytest.mark.parametrize("text, word", [
    ("创建发展新模式。", "建发"),          # a short name inside other words
    ("万里长城永不倒。", "长城"),
    ("扎实推进平安建设。", "平安"),
    ("让群众享受美的生活。", "美的"),
    ("清华园的荷塘很美。", "清华"),
])
def test_a_list_name_inside_other_words_or_as_an_ordinary_word_is_not_a_name(text, word):
    found = [s for s in spans(text) if word in s.text and s.type in ("Enterprise", "Organization")]
    assert found == [], found


@pytest.mark.parametrize("text, name", [
    ("与美的集团签约。", "美的集团"),
    ("省政府与美的签约共建产业园。", "美的"),       # a signing word next to it
    ("引进美的、比亚迪等一批项目。", "美的"),        # a list with an unambiguous listed name
])
def test_an_ambiguous_name_counts_with_a_company_context(text, name):
    assert name in names(text, "Enterprise")


def test_an_entity_word_of_a_neighbouring_list_item_is_no_context():
    # 企业 belongs to 新企业, not to 新产业
    assert names("催生一批有活力的新业态、新企业、新产业。", "Enterprise") == []


def test_a_university_short_name_is_an_organization_with_its_registered_name():
    ents = entities("清华校友李某与学校签署合作协议。", "Organization")
    assert "清华大学" in ents["清华"].aliases


def test_a_short_name_carries_the_registered_name_as_an_alias():
    ents = entities("比亚迪新能源汽车研发总部项目昨日签约。", "Enterprise")
    assert ents["比亚迪"].aliases >= {"比亚迪股份有限公司"}


def test_legal_form_variants_of_one_listed_company_are_one_entity():
    ents = entities("宁德时代新能源科技有限公司与省政府会谈。宁德时代新能源科技股份有限公司将扩大产能。", "Enterprise")
    assert list(ents) == ["宁德时代新能源科技股份有限公司"]
    assert "宁德时代新能源科技有限公司" in ents["宁德时代新能源科技股份有限公司"].aliases


# ---------------------------------------------------------------------------- county short forms


def test_a_county_short_form_counts_when_the_document_names_its_city_or_province():
    found = [s for s in spans("北京市召开会议。海淀加快建设科技创新街区。") if s.type == "Region"]
    assert [(s.text, s.name, s.rule) for s in found if s.text == "海淀"] == [("海淀", "海淀区", "gazetteer.county_short")]


def test_a_county_short_form_alone_is_not_a_region():
    assert names("海淀加快建设科技创新街区。", "Region") == []


def test_an_autonomous_prefecture_short_form_is_that_prefecture():
    found = [(s.text, s.name) for s in spans("省领导在青海省海南州调研光伏产业。") if s.type == "Region"]
    assert ("海南州", "海南藏族自治州") in found
    assert not any(name == "海南省" for _, name in found)


# ---------------------------------------------------------------------------- names inside names


@pytest.mark.parametrize("text, outer, firm", [
    ("宁德时代(福鼎)动力电池生产基地项目开工建设。", "Project", "宁德时代"),
    ("比亚迪新能源汽车产业园项目签约落户。", "Project", "比亚迪"),
    ("落户的有厦门比亚迪电子研究院。", "Organization", "比亚迪"),      # after a leading place
    ("歌尔新疆电子有限公司签约。", "Enterprise", "歌尔"),               # the group of a subsidiary
])
def test_a_listed_company_heading_a_longer_name_is_an_enterprise(text, outer, firm):
    found = spans(text)
    assert any(s.type == outer and s.text.startswith(firm) or s.type == outer and firm in s.text for s in found)
    assert [s.rule for s in found if s.text == firm and s.type == "Enterprise"] == ["nested.known_owner"]


def test_a_listed_company_with_its_own_legal_form_is_not_split():
    # 比亚迪 of 比亚迪集团 and 比亚迪股份有限公司 is the same company, not its parent
    for text in ("比亚迪集团董事长出席。", "比亚迪股份有限公司签约。"):
        assert [s.text for s in spans(text) if s.type == "Enterprise"] == [text[:text.index("集团") + 2]
                                                                           if "集团" in text else text[:9]]


def test_a_parent_named_only_inside_a_subsidiary_is_its_own_entity():
    ents = entities("歌尔新疆电子有限公司与市政府签约。", "Enterprise")
    assert set(ents) == {"歌尔", "歌尔新疆电子有限公司"}


def test_a_short_form_written_on_its_own_joins_the_full_name():
    ents = entities("歌尔新疆电子有限公司与市政府签约。歌尔将在当地建设新厂。", "Enterprise")
    assert set(ents) == {"歌尔新疆电子有限公司"} and "歌尔" in ents["歌尔新疆电子有限公司"].aliases


def test_a_company_named_in_full_inside_a_longer_name():
    found = spans("甲乙汽车股份有限公司丙丁重卡工厂正式投产。")
    assert {(s.text, s.rule) for s in found if s.type == "Enterprise"} == {
        ("甲乙汽车股份有限公司", "nested.group"), ("甲乙汽车股份有限公司丙丁重卡工厂", "suffix.business_unit")}


def test_a_bracketed_group_word_does_not_split_a_name():
    assert names("甘肃稀土新材料(集团)有限责任公司签约。", "Enterprise") == ["甘肃稀土新材料(集团)有限责任公司"]


@pytest.mark.parametrize("text, unit", [
    ("比亚迪华南运营中心正式启用。", "比亚迪华南运营中心"),
    ("甲乙科技有限公司丙丁分公司揭牌。", "甲乙科技有限公司丙丁分公司"),
])
def test_a_business_unit_of_a_company_is_an_enterprise(text, unit):
    assert unit in names(text, "Enterprise")


@pytest.mark.parametrize("text", ["市政务服务中心正式启用。", "建设年产百万吨钢材智慧工厂。", "已建成大数据运营中心、综合楼、研发楼。"])
def test_a_unit_suffix_without_a_company_is_no_enterprise(text):
    assert names(text, "Enterprise") == []


def test_corpus_join_keeps_a_nested_parent_apart_but_joins_its_group_form():
    from kg.model import Entity
    from kg.resolve.corpus import join_short_names

    def ent(name, rule):
        return Entity("Enterprise", name, rules={rule})

    entities_ = {e.key: e for e in (ent("歌尔", "nested.known_owner"), ent("歌尔新疆电子有限公司", "suffix.enterprise"),
                                    ent("山河智能", "nested.known_owner"), ent("山河智能集团", "suffix.enterprise"),
                                    ent("甲乙", "enum.enterprise"), ent("甲乙新能源", "list.propagate"))}
    join_short_names(entities_, ("集团", "有限公司"))
    assert sorted(e.name for e in entities_.values()) == ["山河智能集团", "歌尔", "歌尔新疆电子有限公司", "甲乙新能源"]


def test_a_short_form_joined_to_a_subsidiarys_name_does_not_bring_the_groups_registered_name():
    ents = entities("华为技术有限公司与省政府签约。华为公司将在当地设立研发中心,华为表示。", "Enterprise")
    assert "华为技术有限公司" in ents
    assert not any(a.endswith("控股有限公司") for a in ents["华为技术有限公司"].aliases)
