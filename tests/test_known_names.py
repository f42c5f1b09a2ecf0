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
    assert lex.known_entry("京东方").name == "京东方科技集团股份有限公司"
    assert lex.known_entry("中粮").type == "Enterprise"
    assert lex.known_entry("浙大").name == "浙江大学" and lex.known_entry("浙大").type == "Organization"
    assert lex.known_entry("中科院近代物理所").name.startswith("中国科学院")
    assert "美的" in lex.ambiguous and "京东方" not in lex.ambiguous
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
    ("京东方传感器研发制造总部项目昨日开工。", "京东方"),
    ("集中开工中粮大厦等项目。", "中粮"),
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
    ("引进美的、京东方等一批项目。", "美的"),        # a list with an unambiguous listed name
])
def test_an_ambiguous_name_counts_with_a_company_context(text, name):
    assert name in names(text, "Enterprise")


def test_an_entity_word_of_a_neighbouring_list_item_is_no_context():
    # 企业 belongs to 新企业, not to 新产业
    assert names("培育更多有竞争力的新产品、新企业、新产业。", "Enterprise") == []


def test_a_university_short_name_is_an_organization_with_its_registered_name():
    ents = entities("清华校友李某与学校签署合作协议。", "Organization")
    assert "清华大学" in ents["清华"].aliases


def test_a_short_name_carries_the_registered_name_as_an_alias():
    ents = entities("京东方传感器研发制造总部项目昨日开工。", "Enterprise")
    assert ents["京东方"].aliases >= {"京东方科技集团股份有限公司"}


def test_legal_form_variants_of_one_listed_company_are_one_entity():
    ents = entities("京东方科技集团有限公司与市政府签约。京东方科技集团股份有限公司将投资建设生产线。", "Enterprise")
    assert list(ents) == ["京东方科技集团股份有限公司"]
    assert "京东方科技集团有限公司" in ents["京东方科技集团股份有限公司"].aliases


# ---------------------------------------------------------------------------- county short forms


def test_a_county_short_form_counts_when_the_document_names_its_city_or_province():
    found = [s for s in spans("北京市召开会议。海淀全力打造人工智能产业集聚区。") if s.type == "Region"]
    assert [(s.text, s.name, s.rule) for s in found if s.text == "海淀"] == [("海淀", "海淀区", "gazetteer.county_short")]


def test_a_county_short_form_alone_is_not_a_region():
    assert names("海淀全力打造人工智能产业集聚区。", "Region") == []


def test_an_autonomous_prefecture_short_form_is_that_prefecture():
    found = [(s.text, s.name) for s in spans("青海省海南州新能源基地开工。") if s.type == "Region"]
    assert ("海南州", "海南藏族自治州") in found
    assert not any(name == "海南省" for _, name in found)
