"""Relation rules on small texts written for the test, and users' own lexicons (`--lexicon`)."""

from __future__ import annotations

import pytest

from kg.ingest.reader import make_document
from kg.build.document import process_document


def facts_of(text: str, lexicons: tuple = ()) -> set[tuple]:
    """(subject name, predicate, object name or literal, rule prefix) for one document."""
    result = process_document(make_document(text, path="t.txt"), lexicons)
    names = {key: ent.name for key, ent in result.entities.items()}
    out = set()
    for f in result.facts:
        obj = names.get(f.object, f.object) if isinstance(f.object, tuple) else f.object
        out.add((names[f.subject], f.predicate, obj))
    return out


def entities_of(text: str, lexicons: tuple = ()) -> dict[str, str]:
    result = process_document(make_document(text, path="t.txt"), lexicons)
    return {ent.name: ent.type for ent in result.entities.values()}


def test_posts_before_a_name_and_the_body_they_serve():
    facts = facts_of("青海省省长 林一舟\n新区工信局局长韩文博表示,兰州新区要加快发展。兰州新区建设提速。")
    assert ("林一舟", "holdsPost", "省长") in facts
    assert ("林一舟", "servesIn", "青海省") in facts
    assert ("韩文博", "holdsPost", "局长") in facts
    assert ("韩文博", "servesIn", "兰州新区工信局") in facts


def test_several_posts_in_one_title_string():
    facts = facts_of("临港新区加快发展。临港新区区委副书记、区长张三主持会议。")
    assert {("张三", "holdsPost", "区委副书记"), ("张三", "holdsPost", "区长")} <= facts
    assert ("张三", "servesIn", "临港新区") in facts


def test_name_stops_before_a_speech_verb():
    ents = entities_of("某某科技有限公司总经理王俊说,公司将扩大产能。")
    assert "王俊" in ents and "王俊说" not in ents


def test_focal_zone_develops_the_industries_and_holds_its_enterprises():
    text = ("两江新区将重点发展电子信息、生物医药和数字经济等主导产业。"
            "长安汽车、赛力斯、京东方等龙头企业已在两江新区落户。两江新区位于重庆市。")
    facts = facts_of(text)
    for industry in ("电子信息", "生物医药", "数字经济"):
        assert ("两江新区", "developsIndustry", industry) in facts
    for company in ("长安汽车", "赛力斯", "京东方"):
        assert (company, "locatedIn", "两江新区") in facts
    assert ("两江新区", "locatedIn", "重庆市") in facts


def test_no_focal_zone_no_blanket_relations():
    facts = facts_of("生物医药产业持续壮大。甲乙科技、丙丁制药、戊己集团等企业加快发展。")
    assert not any(p in ("developsIndustry", "locatedIn") for _, p, _ in facts)


def test_cooperation_subject_and_partner():
    facts = facts_of("西咸新区加快发展。西咸新区与西安交通大学共建研究院。"
                     "西安秦川光伏科技股份有限公司,与西北工业大学开展合作。西咸新区建设提速。")
    assert ("西咸新区", "cooperatesWith", "西安交通大学") in facts
    assert ("西安秦川光伏科技股份有限公司", "cooperatesWith", "西北工业大学") in facts
    assert ("西安交通大学", "locatedIn", "西咸新区") not in facts


def test_enterprise_focus_verb_gives_its_industries():
    facts = facts_of("某某新区加快发展。禾润科(兰州)生物技术有限公司专注于疫苗、诊断试剂和医疗器械。某某新区提速。")
    assert ("禾润科(兰州)生物技术有限公司", "inIndustry", "疫苗") in facts


def test_every_fact_carries_its_sentence_and_rule():
    doc = make_document("两江新区将重点发展电子信息和生物医药产业。两江新区位于重庆市。", path="t.txt")
    result = process_document(doc)
    assert result.facts
    for f in result.facts:
        assert doc.text[f.sent_start:f.sent_end] == f.sentence
        assert f.rule.startswith("rel.")


# ------------------------------------------------------------------ user lexicons


def write_lexicon(path, rows: str):
    path.write_text("# my lexicon\nname\ttype\taliases\n" + rows, encoding="utf-8")
    return str(path)


def test_user_lexicon_adds_an_entity_with_aliases(tmp_path):
    lex = write_lexicon(tmp_path / "my.tsv", "星河动力航天科技有限公司\tEnterprise\t星河动力\n")
    ents = entities_of("星河动力在酒泉开展火箭发射试验。", (lex,))
    assert ents.get("星河动力航天科技有限公司") == "Enterprise"
    assert "星河动力航天科技有限公司" not in entities_of("星河动力在酒泉开展火箭发射试验。")


def test_user_lexicon_overrides_the_type_of_a_default_entry(tmp_path):
    lex = write_lexicon(tmp_path / "my.tsv", "滨海新区\tRegion\t\n")
    assert entities_of("滨海新区加快发展智能科技产业。", (lex,)).get("滨海新区") == "Region"
    assert entities_of("滨海新区加快发展智能科技产业。").get("滨海新区") == "Zone"


def test_user_lexicon_can_suppress_a_name(tmp_path):
    lex = write_lexicon(tmp_path / "my.tsv", "兰石集团\t-\t\n")
    text = "兰州新区加快发展。兰石集团、建投重工等企业加快发展。兰州新区提速。"
    assert "兰石集团" in entities_of(text)
    assert "兰石集团" not in entities_of(text, (lex,))


@pytest.mark.parametrize("body, problem", [
    ("name\ttype\n甲\tEnterprise\n", "missing column"),
    ("name\ttype\taliases\n甲公司\tCompany\t\n", "unknown type"),
    ("name\ttype\taliases\n甲公司\tEnterprise\n", "expected 3 tab-separated cells"),
])
def test_bad_user_lexicon_names_file_and_line(tmp_path, body, problem):
    from kg.errors import DataFileError
    from kg.extract.lexicon import load

    path = tmp_path / "bad.tsv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load((str(path),))
    assert "bad.tsv" in str(err.value) and problem in str(err.value)


def test_cli_build_with_lexicon(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("星河动力在酒泉开展火箭发射试验。", encoding="utf-8")
    lex = write_lexicon(tmp_path / "my.tsv", "星河动力航天科技有限公司\tEnterprise\t星河动力\n")
    res = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--lexicon", lex])
    assert res.exit_code == 0, res.output
    assert "星河动力航天科技有限公司" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("oops\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "out2"), "--lexicon", str(bad)])
    assert res.exit_code == 2 and "bad.tsv" in res.output


def test_stated_locations():
    facts = facts_of("走进位于两江新区的重庆甲乙科技有限公司。丙丁集团落户西咸新区。"
                     "在西咸新区沣东片区,陕西光电子先导院科技有限公司正加快建设。")
    assert ("重庆甲乙科技有限公司", "locatedIn", "两江新区") in facts
    assert ("丙丁集团", "locatedIn", "西咸新区") in facts
    assert ("陕西光电子先导院科技有限公司", "locatedIn", "西咸新区") in facts


def test_city_text_without_a_zone_gives_the_city_its_industries():
    text = ("合肥市坚持创新驱动。合肥市重点发展集成电路、新型显示和人工智能等战略性新兴产业。"
            "合肥市委书记虞爱华表示,合肥市将打造产业地标。")
    facts = facts_of(text)
    assert ("合肥市", "developsIndustry", "集成电路") in facts
    assert ("虞爱华", "holdsPost", "市委书记") in facts
    assert ("虞爱华", "servesIn", "合肥市") in facts


def test_a_city_named_twice_is_not_a_focus():
    result = process_document(make_document("合肥市加快建设集成电路产业。合肥市加快建设。", path="t.txt"))
    assert not any(f.rule == "rel.developsIndustry.focus_region" for f in result.facts)


def test_stated_development_in_one_sentence():
    facts = facts_of("滨海新区重点发展集成电路、生物医药和新能源汽车等产业。")
    assert {("滨海新区", "developsIndustry", i) for i in ("集成电路", "生物医药", "新能源汽车")} <= facts


def test_stated_development_picks_the_zone_of_the_clause_not_the_region():
    facts = facts_of("贵安新区位于贵州省,重点发展大数据产业。")
    assert ("贵安新区", "developsIndustry", "大数据") in facts
    assert ("贵州省", "developsIndustry", "大数据") not in facts


def test_region_opening_the_sentence_develops_its_industries():
    facts = facts_of("苏州市大力发展生物医药产业。")
    assert ("苏州市", "developsIndustry", "生物医药") in facts


def stated_of(text: str) -> set[tuple]:
    result = process_document(make_document(text, path="t.txt"))
    names = {key: ent.name for key, ent in result.entities.items()}
    return {(names[f.subject], names[f.object]) for f in result.facts if f.rule == "rel.developsIndustry.stated"}


@pytest.mark.parametrize("text", [
    "围绕滨海新区,打造生物医药名片。",            # the zone is what the clause is about, not the actor
    "滨海新区作为全市经济发展主阵地,近日获评国家生物医药示范基地。",  # 经济发展 is no development verb
    "滨海新区召开会议;会议要求全省培育生物医药产业。",  # another clause, another actor
    "滨海新区召开会议,会议指出,全省各地区要积极培育生物医药产业。",  # too far, two clauses away
])
def test_no_stated_development(text):
    assert ("滨海新区", "生物医药") not in stated_of(text)


@pytest.mark.parametrize("text, name", [
    ("上海华虹宏力半导体制造有限公司位于张江高科技园区。", "上海华虹宏力半导体制造有限公司"),   # 制造 tagged v
    ("要加快建设兰州新区城市发展投资有限公司。", "兰州新区城市发展投资有限公司"),              # 建设 does not open it
    ("江苏恒瑞医药研发生产有限公司扩大产能。", "江苏恒瑞医药研发生产有限公司"),
])
def test_business_scope_words_inside_company_names(text, name):
    assert entities_of(text).get(name) == "Enterprise"


def test_scope_words_do_not_glue_onto_zone_names():
    found = entities_of("高质量建设云港科创区。")
    assert "高质量建设云港科创区" not in found
    assert found.get("云港科创区") == "Zone"


def test_enumeration_with_a_sector_before_the_head():
    facts = facts_of("中芯国际、华虹集团等集成电路企业持续扩大产能。")
    assert {("中芯国际", "inIndustry", "集成电路"), ("华虹集团", "inIndustry", "集成电路")} <= facts


def test_only_a_known_sector_may_stand_between_deng_and_the_head():
    ents = entities_of("人均增加值、企业净资产利润率等指标园区排名靠前。")
    assert not {"人均增加值", "企业净资产利润率"} & set(ents)


@pytest.mark.parametrize("text, zone", [
    ("临港新片区重点发展新能源汽车产业。", "临港新片区"),
    ("张江高科技园区集聚了大批企业。", "张江高科技园区"),
    ("苏州工业园区签署合作协议。", "苏州工业园区"),
])
def test_zone_suffixes(text, zone):
    assert entities_of(text).get(zone) == "Zone"


def test_count_and_qualifier_are_not_part_of_an_industry():
    ents = entities_of("浦东新区要聚焦集成电路、生物医药、人工智能三大先导产业。")
    assert ents.get("人工智能") == "Industry" and "人工智能三大先导" not in ents


def test_zone_posts_without_a_body_serve_the_focal_zone():
    facts = facts_of("浦东新区召开会议。区委书记朱芝松出席会议并讲话,区长吴金城主持会议。浦东新区加快发展。")
    assert {("朱芝松", "servesIn", "浦东新区"), ("吴金城", "servesIn", "浦东新区")} <= facts
    assert not any(p == "servesIn" for _, p, _ in facts_of("会议由市长张三主持。张三指出,要加快发展。"))


def test_title_string_with_a_body_for_each_post():
    facts = facts_of("四川省委常委、成都市委书记曹立军调研高新区。")
    assert {("曹立军", "holdsPost", "省委常委"), ("曹立军", "servesIn", "四川省"),
            ("曹立军", "holdsPost", "市委书记"), ("曹立军", "servesIn", "成都市")} <= facts


def test_generation_numbers_stay_inside_a_project_name_and_out_of_its_owner():
    ents = entities_of("其中京东方第8.6代AMOLED生产线项目总投资630亿元。")
    assert ents.get("京东方第8.6代AMOLED生产线项目") == "Project"
    assert ents.get("京东方") == "Enterprise" and "京东方第" not in ents


def test_the_clause_verb_is_not_part_of_an_industry():
    ents = entities_of("成都高新区将大力发展人工智能、量子科技等未来产业。")
    assert ents.get("人工智能") == "Industry" and not any(n.startswith("大力") for n in ents)


def test_a_peer_zone_is_not_inside_the_focal_zone():
    facts = facts_of("合肥高新区召开会议。合肥高新区、蜀山经开区等园区加快发展。合肥高新区加快建设。")
    assert ("蜀山经开区", "locatedIn", "合肥高新技术产业开发区") not in facts


def test_a_city_wide_speech_has_no_focal_zone():
    text = ("在全市高新技术企业发展大会上的讲话\n今天召开全市大会。合肥高新区加快发展。"
            "合肥高新区集聚了一批企业。全市要做强新能源汽车产业。")
    result = process_document(make_document(text, path="t.txt"))
    assert not any(f.rule.endswith(".focus") for f in result.facts)


def test_industries_joined_by_ji_inside_an_enumeration_are_split():
    ents = entities_of("全市要做强新能源汽车、光伏及新型储能、新一代信息技术等战略性新兴产业。")
    assert {"光伏", "新型储能"} <= {n for n, t in ents.items() if t == "Industry"}
    assert "光伏及新型储能" not in ents


def test_noun_morphemes_stay_inside_a_company_name():
    assert entities_of("集聚了科大讯飞股份有限公司、阳光电源股份有限公司等企业。").get("科大讯飞股份有限公司") == "Enterprise"


def test_located_where_it_is_built():
    facts = facts_of("总投资50亿元的宁德时代新能源电池项目在西咸新区开工建设。")
    assert ("宁德时代新能源电池项目", "locatedIn", "西咸新区") in facts
    assert not any(p == "locatedIn" for _, p, _ in facts_of("宁德时代新能源电池项目在西咸新区引起关注。"))


def test_xieshou_is_stated_cooperation():
    assert ("天津港集团", "cooperatesWith", "滨海新区") in facts_of("天津港集团携手滨海新区打造智慧港口。")


@pytest.mark.parametrize("text, name", [
    ("支持肽源公司发展。", "肽源公司"),     # 肽源: ng, a noun morpheme
    ("推进肽谷公司重组。", "肽谷公司"),     # 肽: zg
])
def test_single_character_morphemes_open_company_names(text, name):
    assert entities_of(text).get(name) == "Enterprise"


@pytest.mark.parametrize("text, word", [
    ("坚持低碳转型,大力推广先进节能技术。", "节能"),          # 大力 is no industry context
    ("加紧推进教育设施建设,新建一批中小学校。", "教育"),       # nor is 加快
])
def test_generic_policy_verbs_do_not_make_industries(text, word):
    assert word not in entities_of(text)


def test_a_quoted_number_campaign_is_not_a_project():
    assert not entities_of("加快实施“6135”工程,推动产业升级。")


def test_enterprises_named_after_an_industry_topic_work_in_it():
    text = ("今年以来,全区新能源汽车产业提质增效,安徽江淮汽车集团股份有限公司新车下线。丙丁动力科技有限公司电池产能翻番。"
            "生物医药持续壮大,重庆智飞生物制品股份有限公司新药获批。")
    facts = facts_of(text)
    assert {("安徽江淮汽车集团股份有限公司", "inIndustry", "新能源汽车"), ("丙丁动力科技有限公司", "inIndustry", "新能源汽车"),
            ("重庆智飞生物制品股份有限公司", "inIndustry", "生物医药")} <= facts
    assert ("重庆智飞生物制品股份有限公司", "inIndustry", "新能源汽车") not in facts


def test_an_industry_topic_stops_at_the_paragraph():
    facts = facts_of("新能源汽车多点突破。\n庚辛科技有限公司召开年会。")
    assert not any(p == "inIndustry" for _, p, _ in facts)


def test_a_name_before_a_legal_form_is_a_company_even_without_a_proper_name_token():
    ents = entities_of("三一重工股份有限公司董事长梁稳根出席签约仪式。")
    assert ents.get("三一重工股份有限公司") == "Enterprise"
    assert not entities_of("这家股份有限公司成立于2001年。")


@pytest.mark.parametrize("short, full", [
    ("长沙经开区", "长沙经济技术开发区"),
    ("苏州高新区", "苏州高新技术产业开发区"),
])
def test_abbreviated_zone_kind_joins_the_full_name_in_the_same_document(short, full):
    result = process_document(make_document(f"{full}举行签约仪式。{short}将聚焦工程机械产业。{short}加快发展。",
                                            path="t.txt"))
    zones = [e for e in result.entities.values() if e.type == "Zone"]
    assert [z.name for z in zones] == [full] and short in zones[0].aliases


def test_short_and_full_zone_forms_count_together_for_the_focus():
    facts = facts_of("长沙经济技术开发区举行签约仪式。湖南中联重科智能技术有限公司签约。长沙经开区将聚焦工程机械产业。"
                     "浙江吉利控股集团有限公司签约。")
    assert ("湖南中联重科智能技术有限公司", "locatedIn", "长沙经济技术开发区") in facts  # 湖南 is the zone's home
    assert ("浙江吉利控股集团有限公司", "locatedIn", "长沙经济技术开发区") not in facts  # 浙江 is not


def test_bare_kind_reference_reaches_a_focal_zone_named_in_full():
    result = process_document(make_document(
        "苏州高新技术产业开发区召开大会。苏州高新技术产业开发区加快发展。高新区将重点发展生物医药产业。", path="t.txt"))
    zone = next(e for e in result.entities.values() if e.type == "Zone")
    assert zone.name == "苏州高新技术产业开发区" and "高新区" in zone.aliases


def test_group_and_its_legal_form_are_one_company():
    ents = entities_of("浙江吉利控股集团有限公司签约。浙江吉利控股集团将投资。")
    assert [n for n, t in ents.items() if t == "Enterprise"] == ["浙江吉利控股集团有限公司"]


# ---------------------------------------------------------------------------- rule order


def test_rules_declare_what_they_require_and_the_order_is_checked():
    from kg.extract.registry import OrderError, check_order, provides
    from kg.relate.registry import RULES, checked
    from kg.resolve.document import RESOLVE

    assert checked() is RULES
    have = check_order({"resolve": RESOLVE}, provides(), "resolution step")
    assert {"entities", "focal_zone", "author_notes"} <= have
    # the focal-zone rule reads the cooperation facts: it cannot run before the cooperation rule
    reordered = {k: RULES[k] for k in ("locatedIn.focalZone", "cooperatesWith")}
    with pytest.raises(OrderError, match="'locatedIn.focalZone' requires facts.cooperatesWith"):
        check_order(reordered, have, "relation rule")
    # resolution reads the authors that the speaker step completes
    with pytest.raises(OrderError, match="requires doc.metadata.authors"):
        check_order({"resolve": RESOLVE}, {"spans", "doc.metadata.title"}, "resolution step")


def test_a_partner_of_the_focal_zone_is_not_inside_it():
    facts = facts_of("白鹭新区加快发展。白鹭新区与星海科技有限公司开展合作。星海科技有限公司成立于2010年。"
                     "白鹭新区建设提速。")
    assert ("白鹭新区", "cooperatesWith", "星海科技有限公司") in facts
    assert ("星海科技有限公司", "locatedIn", "白鹭新区") not in facts
