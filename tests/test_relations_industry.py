"""developsIndustry by the area of each mention (stated, purpose clause, paragraph, glued, 我省,
list heads) and inIndustry; sentences written for these tests, with a user lexicon for entities
the extractors may not find yet."""

from __future__ import annotations

from relhelp import pairs, relation as facts, run


PARKS = "东湖人工智能产业集聚区\tZone\t\n南湖人工智能产业园\tZone\t\n北湖人工智能产业园\tZone\t\n西湖科技园\tZone\t"


def test_a_purpose_clause_gives_its_industry_to_the_area_of_the_next_clause(tmp_path):
    text = ("北湖人工智能产业园揭牌活动举行。为更好推动机器人产业发展,武侯区加快建设东湖人工智能产业集聚区。"
            "北湖人工智能产业园将发展智能制造。北湖人工智能产业园再创佳绩。")
    got = facts(text, "developsIndustry", tmp_path, PARKS)
    assert ("武侯区", "机器人", "rel.developsIndustry.purpose") in got
    assert ("北湖人工智能产业园", "机器人") not in pairs(got)   # another area's industry
    assert ("北湖人工智能产业园", "智能制造") in pairs(got)      # its own, by default


def test_each_park_of_a_list_head_develops_its_industry(tmp_path):
    text = ("东湖区建设东湖人工智能产业集聚区。在起步区内,首批建设南湖人工智能产业园、北湖人工智能产业园、"
            "西湖科技园等3个人工智能主题产业园。")
    got = facts(text, "developsIndustry", tmp_path, PARKS)
    for park in ("南湖人工智能产业园", "北湖人工智能产业园", "西湖科技园"):
        assert (park, "人工智能", "rel.developsIndustry.list_head") in got


def test_a_list_without_a_count_and_zone_head_gives_no_list_head_industry(tmp_path):
    got = facts("首批建设南湖人工智能产业园、西湖科技园,人工智能企业加快集聚。", "developsIndustry", tmp_path, PARKS)
    assert ("西湖科技园", "人工智能") not in pairs(got)


def test_each_paragraph_opening_with_a_place_develops_its_industries():
    text = ("全省重点项目集中签约\n9月6日,全省重点项目集中签约活动举行。广东省加快发展。广东省领导出席。\n"
            "在佛山,甲乙智能家电产业园项目正式签约,推动佛山大健康产业发展。\n"
            "在清远,18个项目集中签约,涉及能源、纺织、医药等多个领域。")
    got = pairs(facts(text, "developsIndustry"))
    assert {("佛山市", "大健康"), ("清远市", "医药")} <= got
    assert ("广东省", "大健康") not in got and ("清远市", "大健康") not in got


def test_an_area_glued_before_an_industry_develops_it():
    got = facts("这些年,安徽集成电路产业快速崛起。合肥高新区着力发展新兴产业,光伏产业增势强劲。合肥高新区再创佳绩。",
                "developsIndustry")
    assert ("安徽省", "集成电路", "rel.developsIndustry.glued") in got
    assert ("合肥高新技术产业开发区", "光伏") in pairs(got)
    assert ("安徽省", "光伏") not in pairs(got)


def test_wo_sheng_counts_for_the_one_province_a_text_names():
    text = ("河南出台方案壮大新兴产业链\n我省新兴产业链建设迎来新机遇。河南省政府办公厅近日印发实施方案,"
            "重点培育新能源汽车、现代中药、智能装备等8个新兴产业链。我省将推行链长制。")
    got = pairs(facts(text, "developsIndustry"))
    assert {("河南省", "新能源汽车"), ("河南省", "现代中药"), ("河南省", "智能装备")} <= got


def test_a_visited_firms_industries_are_not_the_regions():
    text = ("3月15日,浙江省委书记王某赴湖州市调研。\n王某勉励甲乙集团有限公司加快新能源项目建设。"
            "湖州市大力发展生物医药产业。湖州市加快发展。")
    got = pairs(facts(text, "developsIndustry"))
    assert ("湖州市", "生物医药") in got
    assert ("湖州市", "新能源") not in got


def test_a_zone_named_only_inside_a_project_name_develops_nothing_by_its_name():
    got = pairs(facts("投资额最大的是长江细胞治疗产业基地项目,长江细胞治疗产业基地项目将引进研究院。", "developsIndustry"))
    assert not any(s.endswith("产业基地") for s, _ in got)


# ---------------------------------------------------------------- inIndustry

def test_an_industry_qualified_list_puts_its_firms_in_the_industry():
    got = facts("甲乙公司参加。宁德时代、比亚迪等新能源龙头企业加快布局。", "inIndustry")
    assert {("宁德时代", "新能源", "rel.inIndustry.list"), ("比亚迪", "新能源", "rel.inIndustry.list")} <= got


def test_the_registered_scope_word_before_a_legal_form_names_no_industry(tmp_path):
    lexicon = "丙丁软件\tEnterprise\t\n软件\tIndustry\t"
    got = pairs(facts("两江新区发展新材料产业和软件产业。重庆甲乙新材料有限公司扩产。丙丁软件加快发展。",
                      "inIndustry", tmp_path, lexicon))
    assert ("重庆甲乙新材料有限公司", "新材料") not in got
    assert ("丙丁软件", "软件") in got


def test_an_investor_works_in_the_industry_of_its_project(tmp_path):
    lexicon = "思源医疗机器人项目\tProject\t\n医疗机器人\tIndustry\t"
    text = "两江新区发展医疗机器人。思源医疗机器人项目计划投资3亿元,投资方为重庆思源科技有限公司。"
    got = facts(text, "inIndustry", tmp_path, lexicon)
    assert ("重庆思源科技有限公司", "医疗机器人", "rel.inIndustry.investor") in got


def test_a_firm_works_in_the_industry_of_its_unit(tmp_path):
    lexicon = "飞扬\tEnterprise\t\n飞扬家电全球研发中心\tOrganization\t\n家电\tIndustry\t"
    got = facts("飞扬家电全球研发中心入驻园区,家电产业加快集聚。飞扬表示将扩大投资。", "inIndustry", tmp_path, lexicon)
    assert ("飞扬", "家电", "rel.inIndustry.project") in got


def test_in_a_text_about_a_region_a_sentence_about_one_firm_gives_its_industries(tmp_path):
    lexicon = "甲乙集团有限公司\tEnterprise\t"
    text = ("3月15日,浙江省委书记王某赴湖州市调研。\n王某勉励甲乙集团有限公司坚持高端化方向,做强新能源产业。"
            "湖州市大力发展生物医药产业。")
    got = facts(text, "inIndustry", tmp_path, lexicon)
    assert ("甲乙集团有限公司", "新能源", "rel.inIndustry.firm_sentence") in got
    assert ("甲乙集团有限公司", "生物医药") not in pairs(got)


def test_a_region_named_only_in_the_breadcrumb_is_no_home_region():
    text = ("项目招引春潮涌动\n您现在的位置:首页 > 园区动态 > 镇江 > 图片新闻\n"
            "全市上下围绕项目攻坚年行动招商。全市一批项目签约落户,涵盖金融、文化旅游等多个领域。全市再创佳绩。")
    got = pairs(facts(text, "developsIndustry"))
    assert not any(s == "镇江市" for s, _ in got)


def test_quan_shi_counts_for_the_one_city_the_text_names():
    text = ("项目招引春潮涌动\n宜兴市举行项目集中签约仪式。全市上下围绕项目攻坚年行动招商。"
            "全市一批项目签约落户,涵盖金融、文化旅游等多个领域。")
    got = pairs(facts(text, "developsIndustry"))
    assert ("宜兴市", "金融") in got


def test_a_firm_with_an_industry_technology_works_in_it(tmp_path):
    got = facts("西咸新区加快发展。天声科技智能语音技术再获大奖。西咸新区再创佳绩。", "inIndustry", tmp_path,
                "天声科技\tEnterprise\t\n智能语音\tIndustry\t")
    assert ("天声科技", "智能语音", "rel.inIndustry.product") in got


def test_the_trade_word_that_ends_a_short_firm_name_is_the_firms_industry():
    got = facts("甲市召开民营企业座谈会,星河软件、云帆汽车等企业负责人参加座谈。", "inIndustry")
    assert ("星河软件", "软件和信息服务", "rel.inIndustry.name") in got
    assert ("云帆汽车", "汽车", "rel.inIndustry.name") in got


def test_a_trade_before_a_bracketed_place_counts_but_not_a_scope_word_before_the_legal_form():
    result = run("会上,宏达汽车部件(苏州)有限公司、百禾(杭州)新材料有限公司获表彰。")
    names = {e.name for e in result.entities.values() if e.type == "Industry"}
    assert "汽车部件" in names and "新材料" not in names
    got = {(result.entities[f.subject].name, result.entities[f.object].name)
           for f in result.facts if f.predicate == "inIndustry"}
    assert got == {("宏达汽车部件(苏州)有限公司", "汽车部件")}


def test_an_industry_read_from_a_firms_name_is_not_the_areas(tmp_path):
    got = pairs(facts("南湖人工智能产业园发展人工智能。星河软件、云帆汽车等企业已入驻南湖人工智能产业园。",
                      "developsIndustry", tmp_path, PARKS))
    assert ("南湖人工智能产业园", "人工智能") in got
    assert not {o for _, o in got} & {"软件和信息服务", "汽车"}


def test_a_park_named_after_a_long_industry_word_does_not_also_develop_its_first_part(tmp_path):
    text = "江南生物医药谷聚焦生物医药产业,已引进青禾生物、蓝海生物等企业。江南生物医药谷再创佳绩。"
    got = pairs(facts(text, "developsIndustry", tmp_path, "江南生物医药谷\tZone\t"))
    assert ("江南生物医药谷", "生物医药") in got and ("江南生物医药谷", "生物") not in got


def test_firms_named_as_the_employers_of_attendees_take_no_industry_of_the_sentence():
    text = "开工仪式上,华星光伏科技股份有限公司副总裁王明、绿源储能有限公司总经理李强出席,共谋清洁能源产业发展。"
    assert not facts(text, "inIndustry")
    listed = facts("华星光伏科技股份有限公司、绿源储能有限公司等企业共谋清洁能源产业发展。", "inIndustry")
    assert ("绿源储能有限公司", "清洁能源", "rel.inIndustry.sentence") in listed   # the rule itself still works


def test_firms_that_move_into_an_industry_themed_park_are_not_thereby_in_that_industry(tmp_path):
    lexicon = "南湖人工智能产业园\tZone\t"
    got = pairs(facts("星河软件、云帆数据等20余家科技企业已入驻这个人工智能特色产业园。", "inIndustry"))
    assert ("云帆数据", "人工智能") not in got and ("星河软件", "人工智能") not in got
    stated = pairs(facts("星河软件、云帆数据等科技企业专注于人工智能。", "inIndustry", tmp_path, lexicon))
    assert ("云帆数据", "人工智能") in stated


def test_a_firm_followed_by_an_industry_and_a_product_word_works_in_it(tmp_path):
    text = "东区着力发展智能语音产业。星河集团智能语音技术国内领先。"
    got = facts(text, "inIndustry", tmp_path, "星河集团\tEnterprise\t")
    assert ("星河集团", "智能语音", "rel.inIndustry.product") in got
    other = facts("东区着力发展智能语音产业。星河集团智能语音大会如期举办。", "inIndustry", tmp_path, "星河集团\tEnterprise\t")
    assert ("星河集团", "智能语音") not in pairs(other)   # a conference, not a product


def test_the_industry_that_closes_a_list_of_its_kinds_is_an_industry():
    result = run("该项目主要从事钢铁、有色金属、煤炭等大宗商品贸易。")
    assert "大宗商品贸易" in {e.name for e in result.entities.values() if e.type == "Industry"}
    plain = run("记者参观了展厅、车间等智能制造场景。")
    assert not [e for e in plain.entities.values() if e.type == "Industry"]


def test_a_firm_whose_manager_speaks_about_its_plans_keeps_the_industry_of_the_sentence(tmp_path):
    text = ("南湖人工智能产业园再创佳绩。星河光电科技有限公司总经理王明说,公司将发展人工智能业务。"
            "南湖人工智能产业园发展人工智能。")
    got = pairs(facts(text, "inIndustry", tmp_path, PARKS))
    assert ("星河光电科技有限公司", "人工智能") in got   # one person: not an attendance list


def test_one_firm_that_builds_an_industry_park_is_in_its_industry(tmp_path):
    text = "南湖人工智能产业园再创佳绩。星河光电科技有限公司将加快建设新材料产业园。南湖人工智能产业园发展人工智能。"
    assert ("星河光电科技有限公司", "新材料") in pairs(facts(text, "inIndustry", tmp_path, PARKS))
