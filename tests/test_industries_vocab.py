"""Industries (issue 12, class #8): the GB/T 4754 vocabulary, the frames and lists that make a word
an industry, span edges (lead verbs, places, frames), `A及B` with a shared head, and the name a
node carries (the text's own form unless it is a qualified form of the concept). Every sentence
is written for these tests."""

from __future__ import annotations

import pytest

from kg.build.document import process_document
from kg.ingest.reader import make_document


def industries(text: str) -> dict[str, set]:
    """name -> aliases of the Industry entities of one text."""
    return {e.name: set(e.aliases) for e in process_document(make_document(text)).entities.values()
            if e.type == "Industry"}


def entities(text: str, etype: str) -> set[str]:
    return {e.name for e in process_document(make_document(text)).entities.values() if e.type == etype}


@pytest.mark.parametrize("text, expected", [
    ("大力发展家电、日化和啤酒产业。", {"家电", "日化", "啤酒"}),
    ("推动铝业和氧化铝产业转型升级。", {"铝业", "氧化铝"}),
    ("作为制造业大市,该市重点发展汽车零部件和工程机械配件产业。", {"汽车零部件", "工程机械配件"}),
])
def test_general_industry_vocabulary(text, expected):
    assert expected <= set(industries(text))


def test_a_qualified_form_is_an_alias_of_its_base_industry():
    found = industries("重点发展国际航运、国际贸易等产业。")
    assert {"航运", "贸易"} <= set(found)
    assert "国际航运" in found["航运"]


def test_a_form_of_its_own_names_the_node_with_the_concept_as_alias():
    found = industries("推动文旅产业发展。")
    assert "文旅" in found and "文化旅游" in found["文旅"]


def test_a_document_that_writes_the_concept_keeps_the_concept_name():
    found = industries("推动文旅产业发展,把文化旅游产业做大做强。")
    assert "文化旅游" in found and "文旅" not in found


@pytest.mark.parametrize("text, name", [
    ("加快发展新一代人工智能产业。", "人工智能"),
    ("大力发展AI产业。", "人工智能"),
    ("重点发展高端装备产业。", "装备制造"),
])
def test_qualified_forms_and_latin_codes_keep_the_concept_name(text, name):
    assert name in industries(text)


def test_coordinated_industries_are_split_and_share_a_head():
    found = set(industries("着力壮大集成电路和工业软件、新能源及网联汽车、现代中药等产业链。"))
    assert {"集成电路", "工业软件", "新能源汽车", "网联汽车", "现代中药"} <= found
    assert not any("及" in n or "和" in n for n in found)


def test_frames_after_a_list_make_industries_and_are_no_part_of_them():
    found = set(industries("形成以集成电路、新能源为引领,装备制造、食品加工为支柱,现代物流为支撑的产业格局。"))
    assert {"集成电路", "新能源", "装备制造", "食品加工", "现代物流"} <= found
    assert not any(n.startswith("为") or n.endswith(("引领", "支柱", "支撑")) for n in found)


@pytest.mark.parametrize("text, name", [
    ("该项目将助力光通信产业链补链强链。", "光通信"),
    ("共谋江苏省清洁能源产业高质量发展。", "清洁能源"),
    ("推动滨江新区生物医药产业发展。", "生物医药"),
])
def test_lead_verbs_and_places_are_no_part_of_an_industry(text, name):
    found = industries(text)
    assert any(name == n or name in aliases for n, aliases in found.items()), found
    assert not any(n.startswith(("助力", "共谋", "江苏", "滨江")) for n in found)


def test_a_word_across_two_words_is_no_industry():
    assert industries("完善校地常态化工作联系机制。") == {}


def test_list_items_that_name_aims_are_no_industries():
    found = set(industries("覆盖现代农业、区域合作、智能制造、基础设施建设等领域。"))
    assert {"智能制造", "现代农业"} <= found
    assert not found & {"区域合作", "基础设施建设"}


def test_a_broad_word_is_an_industry_as_an_item_of_an_industry_list():
    assert {"能源", "纺织", "食品加工"} <= set(industries("产品覆盖能源、纺织、食品等多个领域。"))


def test_firms_listed_before_a_counted_firm_head_are_enterprises_not_industries():
    text = "基地已聚集了甲乙软件、丙丁汽车、戊己科技等30余家创新型科技企业落户。"
    assert {"甲乙软件", "丙丁汽车", "戊己科技"} <= entities(text, "Enterprise")
    assert not {"甲乙软件", "丙丁汽车"} & set(industries(text))


def test_industry_words_before_a_firm_head_are_no_firms():
    assert not {"纺织", "建材"} & entities("推动纺织、建材等传统企业开展数字化改造。", "Enterprise")


def test_industry_inside_a_project_name_only_when_a_firm_owns_it():
    assert "半导体材料" not in industries("签约项目包括星辰半导体材料研发基地等项目。")
    assert "新能源电池" in industries("签约项目包括宏远集团新能源电池制造园等项目。")


def test_the_broader_industry_in_a_frame_x_wei_zhu_de():
    found = industries("该项目将打造以大数据为主的新一代资讯技术产业基地。")
    assert "大数据" in found
    assert "新一代资讯技术" in found and "新一代信息技术" in found["新一代资讯技术"]
