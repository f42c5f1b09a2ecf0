"""locatedIn from document structure and containment: bodies in their jurisdiction, the closure over
zone chains, the focal zone and what is not its contents, event, paragraph and venue scopes, and a
region's report. Sentences written for these tests; entities the extractors may not find yet come
from a user lexicon, so that the tests measure the relation rules."""

from __future__ import annotations

from relhelp import pairs, relation, run


def located(text: str, tmp_path=None, lexicon: str = "") -> set[tuple]:
    """(subject, object, rule) of the locatedIn facts of one document."""
    return relation(text, "locatedIn", tmp_path, lexicon)


# ---------------------------------------------------------------- bodies and their jurisdiction

def test_a_body_lies_in_the_innermost_place_of_its_name(tmp_path):
    facts = pairs(located("成都市加快发展。武侯区大力推进招商。成都市武侯区人民政府发布通知。中共武侯区委召开会议。",
                          tmp_path, "中共武侯区委\tOrganization\t"))
    assert ("成都市武侯区人民政府", "武侯区") in facts
    assert ("中共武侯区委", "武侯区") in facts
    assert ("成都市武侯区人民政府", "成都市") not in facts


def test_a_zone_body_lies_in_its_zone_not_in_the_city(tmp_path):
    lexicon = "南宁临港经济区\tZone\t\n南宁临港经济区管理委员会\tOrganization\t"
    facts = pairs(located("南宁市支持南宁临港经济区建设。南宁临港经济区管理委员会印发方案。南宁市部署工作。",
                          tmp_path, lexicon))
    assert ("南宁临港经济区管理委员会", "南宁临港经济区") in facts
    assert ("南宁临港经济区管理委员会", "南宁市") not in facts


def test_a_zone_body_whose_zone_is_no_entity_is_not_put_in_the_city(tmp_path):
    facts = pairs(located("南宁市加快发展。南宁临港经济区管理委员会印发方案。南宁市部署工作。",
                          tmp_path, "南宁临港经济区管理委员会\tOrganization\t"))
    assert not any(s == "南宁临港经济区管理委员会" for s, _ in facts)


def test_a_body_named_by_its_level_lies_in_the_home_province(tmp_path):
    lexicon = "省经济和信息化厅\tOrganization\t\n省发展改革委\tOrganization\t\n商务厅\tOrganization\t"
    facts = pairs(located("四川省出台新政。省发展改革委、省经济和信息化厅负责推进,商务厅配合。", tmp_path, lexicon))
    assert {("省发展改革委", "四川省"), ("省经济和信息化厅", "四川省"), ("商务厅", "四川省")} <= facts


def test_no_home_province_no_bare_body_location(tmp_path):
    lexicon = "省发展改革委\tOrganization\t"
    facts = pairs(located("四川省和贵州省签署协议。省发展改革委负责推进。", tmp_path, lexicon))
    assert not any(s == "省发展改革委" for s, _ in facts)


def test_an_institution_named_after_a_region_the_text_names_lies_there(tmp_path):
    facts = located("兰州市加快发展。兰州大学与企业合作。兰州市部署工作。", tmp_path)
    assert ("兰州大学", "兰州市", "rel.locatedIn.name_region") in facts


# ---------------------------------------------------------------- closure over zone chains

def test_what_lies_in_a_part_of_a_zone_lies_in_the_zone(tmp_path):
    lexicon = "天府新区直管区\tZone\t直管区\n天府新区直管区管理委员会\tOrganization\t"
    facts = located("天府新区加快建设。天府新区直管区管理委员会召开会议,直管区提速。成都市和四川省支持天府新区。",
                    tmp_path, lexicon)
    assert ("天府新区直管区管理委员会", "天府新区直管区", "rel.locatedIn.body") in facts
    assert ("天府新区直管区管理委员会", "天府新区", "rel.locatedIn.closure") in facts


def test_the_closure_does_not_carry_things_into_the_region_of_a_zone(tmp_path):
    lexicon = "天府新区直管区\tZone\t直管区\n天府新区直管区管理委员会\tOrganization\t"
    facts = pairs(located("天府新区加快建设。天府新区直管区管理委员会召开会议,直管区提速。四川省支持天府新区发展。",
                          tmp_path, lexicon))
    assert ("天府新区", "四川省") in facts
    assert ("天府新区直管区管理委员会", "四川省") not in facts
    assert ("天府新区直管区", "四川省") not in facts


# ---------------------------------------------------------------- zones and their host regions

def test_a_zone_lies_in_its_innermost_mentioned_host_only():
    facts = pairs(located("安徽省推进改革。合肥市支持合肥高新技术产业开发区发展。合肥高新技术产业开发区再创佳绩。"))
    assert ("合肥高新技术产业开发区", "合肥市") in facts
    assert ("合肥高新技术产业开发区", "安徽省") not in facts


def test_a_national_new_area_lies_in_its_province_too():
    facts = pairs(located("甘肃省和兰州市支持兰州新区。兰州新区加快发展,兰州新区建设提速。"))
    assert {("兰州新区", "兰州市"), ("兰州新区", "甘肃省")} <= facts


def test_a_host_that_is_not_mentioned_is_not_skipped_for_the_province():
    facts = pairs(located("山东省推进改革。济宁高新技术产业开发区加快发展。"))
    assert ("济宁高新技术产业开发区", "山东省") not in facts


def test_a_part_named_after_a_city_lies_in_that_city(tmp_path):
    lexicon = "湖北自贸区宜昌片区\tZone\t宜昌片区"
    facts = pairs(located("湖北省支持宜昌、襄阳发展。湖北自贸区宜昌片区加快建设。", tmp_path, lexicon))
    assert ("湖北自贸区宜昌片区", "宜昌市") in facts
    assert ("湖北自贸区宜昌片区", "湖北省") not in facts


# ---------------------------------------------------------------- the focal zone and what is not in it

def test_a_zone_named_only_inside_a_project_name_is_no_focal_zone():
    result = run("签约仪式举行。投资最高的是长江生物医药产业基地项目,长江生物医药产业基地项目将引入研究院。")
    assert result.focal is None or "项目" not in result.focal[1] and "产业基地" not in result.focal[1]


def test_a_region_report_is_about_the_region_not_a_platform_it_names_twice():
    result = run("【聚焦】2023年嘉兴市政府工作报告\n各位代表:过去一年,全市经济稳中向好。"
                 "嘉兴港区综合保税区获批设立,嘉兴港区综合保税区加快建设,秀洲光伏产业园项目等重大项目开工建设。"
                 "嘉兴市将继续努力。嘉兴市经济发展。")
    names = {key: ent.name for key, ent in result.entities.items()}
    facts = {(names[f.subject], names[f.object], f.rule) for f in result.facts if f.predicate == "locatedIn"}
    assert result.focal is None
    assert ("秀洲光伏产业园项目", "嘉兴市", "rel.locatedIn.focus_region") in facts


def test_a_zone_named_in_the_headline_stays_the_focus_of_a_report():
    result = run("嘉兴港区综合保税区2023年工作报告\n嘉兴市支持港区发展,嘉兴港区综合保税区加快建设。嘉兴市领导出席。")
    assert result.focal == ("Zone", "嘉兴港区综合保税区")


def test_organisers_siblings_and_larger_zones_are_not_inside_the_focal_zone(tmp_path):
    lexicon = ("东湖人工智能产业集聚区\tZone\t\n南湖人工智能产业园\tZone\t\n北湖人工智能产业园\tZone\t\n"
               "西湖人工智能产业园\tZone\t\n甲乙城市更新集团\tEnterprise\t\n东湖街道\tRegion\t")
    text = ("北湖人工智能产业园揭牌仪式顺利举行。该仪式由东湖街道、甲乙城市更新集团联合举办。"
            "东湖区全力打造东湖人工智能产业集聚区,首批建设南湖人工智能产业园、北湖人工智能产业园、"
            "西湖人工智能产业园等3个特色产业园。丙丁科技有限公司入驻北湖人工智能产业园,北湖人工智能产业园发展迅速。")
    facts = pairs(located(text, tmp_path, lexicon))
    focal = "北湖人工智能产业园"
    for other in ("甲乙城市更新集团", "南湖人工智能产业园", "西湖人工智能产业园", "东湖人工智能产业集聚区"):
        assert (other, focal) not in facts
    assert ("丙丁科技有限公司", focal) in facts


def test_an_owner_named_only_inside_its_project_is_not_inside_the_zone(tmp_path):
    text = ("两江新区重点项目集中签约。两江新区签约甲乙光电研发总部项目。"
            "丙丁科技有限公司落户两江新区。两江新区加快发展。")
    facts = pairs(located(text, tmp_path, "甲乙光电\tEnterprise\t"))
    assert ("甲乙光电研发总部项目", "两江新区") in facts
    assert ("甲乙光电", "两江新区") not in facts
    assert ("丙丁科技有限公司", "两江新区") in facts


# ---------------------------------------------------------------- events, paragraphs, venues, regions

def test_the_projects_of_a_signing_event_lie_where_it_is_held():
    text = ("晋江重大项目集中签约\n9日,泉州市晋江市举行2024年第一批重大项目集中签约活动。\n"
            "签约项目包括恒达纺织智能工厂项目、闽南物流中心项目等12个项目。")
    facts = located(text)
    assert ("恒达纺织智能工厂项目", "晋江市", "rel.locatedIn.event") in facts
    assert ("闽南物流中心项目", "晋江市", "rel.locatedIn.event") in facts
    assert ("恒达纺织智能工厂项目", "泉州市") not in pairs(facts)


def test_a_project_named_before_any_event_of_a_text_about_nothing_stays_unplaced():
    facts = pairs(located("恒达纺织智能工厂项目进展顺利。泉州市和厦门市签署合作协议。"))
    assert not any(s == "恒达纺织智能工厂项目" for s, _ in facts)


def test_signing_in_a_place_with_partners_puts_the_project_there():
    facts = pairs(located("近日,包头市政府在青山区与甲乙科技股份有限公司签署了年产10万吨硅材料项目。"))
    assert ("年产10万吨硅材料项目", "青山区") in facts


def test_each_paragraph_opening_with_a_place_puts_its_projects_there():
    text = ("全省重点项目集中签约\n9月6日,全省重点项目集中签约活动举行。\n"
            "在佛山,甲乙智能家电产业园项目正式签约。\n在清远,清远风电项目、连州水利枢纽项目等一批项目集中签约。")
    facts = pairs(located(text))
    assert ("甲乙智能家电产业园项目", "佛山市") in facts
    assert ("清远风电项目", "清远市") in facts
    assert ("清远风电项目", "佛山市") not in facts


def test_the_institutions_of_a_ceremony_lie_at_its_venue(tmp_path):
    lexicon = "甲乙科学城创新小镇\tZone\t\n甲乙产业研究院\tOrganization\t\n丙丁研究院\tOrganization\t"
    facts = located("17日,甲乙产业研究院、丙丁研究院挂牌仪式在甲乙科学城创新小镇举行。", tmp_path, lexicon)
    assert ("甲乙产业研究院", "甲乙科学城创新小镇", "rel.locatedIn.venue") in facts
    assert ("丙丁研究院", "甲乙科学城创新小镇", "rel.locatedIn.venue") in facts


def test_a_zone_whose_ceremony_is_held_in_a_building_is_not_inside_it(tmp_path):
    lexicon = "甲乙创新大厦\tZone\t\n北湖人工智能产业园\tZone\t"
    facts = pairs(located("北湖人工智能产业园揭牌活动,在甲乙创新大厦隆重举行。", tmp_path, lexicon))
    assert ("北湖人工智能产业园", "甲乙创新大厦") not in facts


def test_a_visited_city_holds_the_projects_of_the_visit():
    text = ("3月2日,浙江省委书记王某到湖州市调研。\n调研期间,王某来到长兴新能源电池项目现场。"
            "浙江省领导表示要加快发展。")
    facts = located(text)
    assert ("长兴新能源电池项目", "湖州市", "rel.locatedIn.focus_region") in facts
    assert ("长兴新能源电池项目", "浙江省") not in pairs(facts)


def test_a_project_named_after_another_place_is_not_put_in_the_focal_region():
    text = "3月2日,浙江省委书记王某到湖州市调研。\n王某考察了宁波舟山港扩建项目。湖州市加快发展。"
    facts = pairs(located(text))
    assert ("宁波舟山港扩建项目", "湖州市") not in facts


# ---------------------------------------------------------------- containment the names and the text state

def test_a_zone_named_after_another_zone_and_a_bracketed_zone_contain_it(tmp_path):
    lexicon = "长兴经开区\tZone\t\n长兴经开区泗安飞地园\tZone\t\n浙北装备配套产业园\tZone\t"
    text = ("浙北装备配套产业园(长兴经开区泗安飞地园)举行签约仪式。长兴经开区加快发展。"
            "丙丁科技有限公司落户浙北装备配套产业园。浙北装备配套产业园发展迅速。")
    facts = located(text, tmp_path, lexicon)
    assert ("长兴经开区泗安飞地园", "长兴经开区", "rel.locatedIn.zone_prefix") in facts
    assert ("浙北装备配套产业园", "长兴经开区泗安飞地园", "rel.locatedIn.bracket") in facts
    got = pairs(facts)
    # the closure carries the park's firm up the chain of zones
    assert {("丙丁科技有限公司", "长兴经开区泗安飞地园"), ("丙丁科技有限公司", "长兴经开区")} <= got


def test_a_bracketed_zone_is_no_other_name_of_the_zone_before_it(tmp_path):
    lexicon = "长兴经开区泗安飞地园\tZone\t\n浙北装备配套产业园\tZone\t"
    result = run("浙北装备配套产业园(长兴经开区泗安飞地园)举行签约仪式。", tmp_path, lexicon)
    assert ("Zone", "长兴经开区泗安飞地园") in result.entities


def test_parks_listed_inside_a_larger_zone_lie_in_it(tmp_path):
    lexicon = ("东湖人工智能产业集聚区\tZone\t\n南湖人工智能产业园\tZone\t\n北湖人工智能产业园\tZone\t\n"
               "西湖人工智能产业园\tZone\t")
    text = ("东湖区加快建设东湖人工智能产业集聚区,优先开发集聚区起步区。在起步区内,首批建设南湖人工智能产业园、"
            "北湖人工智能产业园、西湖人工智能产业园等3个主题产业园。")
    facts = located(text, tmp_path, lexicon)
    for park in ("南湖人工智能产业园", "北湖人工智能产业园", "西湖人工智能产业园"):
        assert (park, "东湖人工智能产业集聚区", "rel.locatedIn.list_part") in facts


def test_a_list_without_an_inside_reference_is_not_put_in_a_zone_named_before(tmp_path):
    lexicon = "甲乙综合保税区\tZone\t\n航空产业集聚区\tZone\t\n临港产业集聚区\tZone\t"
    facts = pairs(located("甲乙综合保税区获准设立,航空产业集聚区、临港产业集聚区等四大平台基本建成。", tmp_path, lexicon))
    assert ("航空产业集聚区", "甲乙综合保税区") not in facts


def test_things_that_settle_in_the_zone_a_paragraph_is_about_lie_there(tmp_path):
    lexicon = "国际创新合作区\tZone\t\n中德创新产业园\tZone\t\n中法创新基地\tZone\t"
    text = ("两江新区加快开放。两江新区建设提速。\n国际创新合作区是新区开放合作的窗口。这几年,中德创新产业园、"
            "中法创新基地先后落地。甲乙集成电路项目等一批重点项目在此落地。\n两江新区位于重庆市。")
    facts = pairs(located(text, tmp_path, lexicon))
    assert {("中德创新产业园", "国际创新合作区"), ("中法创新基地", "国际创新合作区"),
            ("甲乙集成电路项目", "国际创新合作区")} <= facts
    assert ("中德创新产业园", "两江新区") in facts


def test_apposition_of_a_zone_and_its_part(tmp_path):
    lexicon = "甲乙国家高新技术产业开发区\tZone\t\n丙丁人工智能产业园\tZone\t\n生物医药谷\tZone\t\n戊己基因\tEnterprise\t"
    facts = pairs(located("甲乙国家高新技术产业开发区的特色园区——丙丁人工智能产业园揭牌。生物医药谷企业戊己基因扩产。",
                          tmp_path, lexicon))
    assert ("丙丁人工智能产业园", "甲乙国家高新技术产业开发区") in facts
    assert ("戊己基因", "生物医药谷") in facts


def test_a_zone_written_after_its_regions_lies_in_each(tmp_path):
    lexicon = "樊川街道\tRegion\t\n宏达科创谷\tZone\t"
    facts = pairs(located("签约仪式在长安区樊川街道宏达科创谷举办。", tmp_path, lexicon))
    assert {("宏达科创谷", "樊川街道"), ("宏达科创谷", "长安区")} <= facts


def test_firms_listed_as_a_regions_brands_lie_in_that_region(tmp_path):
    lexicon = "周大生\tEnterprise\t\n美心集团\tEnterprise\t"
    facts = pairs(located("签约项目中还有周大生、美心集团等香港本土品牌企业投资的项目。", tmp_path, lexicon))
    assert {("周大生", "香港特别行政区"), ("美心集团", "香港特别行政区")} <= facts


def test_a_firm_whose_legal_name_opens_with_a_named_region_lies_there():
    text = "江苏省与中兴通讯签署协议。江苏省港航集团有限公司、天成控股集团有限公司先后与中兴通讯签约。北京甲乙科技有限公司参加。"
    facts = pairs(located(text))
    assert ("江苏省港航集团有限公司", "江苏省") in facts
    assert not any(s == "天成控股集团有限公司" for s, _ in facts)
    assert not any(s == "北京甲乙科技有限公司" for s, _ in facts)  # 北京 is no region the text names


def test_a_project_named_after_a_named_region_lies_there():
    text = "山东省与华为签署协议,双方在深圳签约。代表团考察了华为深圳研发基地项目。山东省加快发展。"
    facts = pairs(located(text))
    assert ("华为深圳研发基地项目", "深圳市") in facts
    assert ("华为深圳研发基地项目", "山东省") not in facts


def test_a_group_investing_in_a_park_of_the_zone_is_not_inside_it(tmp_path):
    lexicon = "浙北装备配套产业园\tZone\t\n甲乙重工汨罗产业园\tZone\t\n甲乙重工集团\tEnterprise\t"
    text = ("甲乙重工汨罗产业园签约落户浙北装备配套产业园。签约企业包括甲乙重工集团。"
            "浙北装备配套产业园发展迅速,浙北装备配套产业园再创佳绩。")
    facts = pairs(located(text, tmp_path, lexicon))
    assert ("甲乙重工汨罗产业园", "浙北装备配套产业园") in facts
    assert ("甲乙重工集团", "浙北装备配套产业园") not in facts


def test_a_project_named_after_a_part_of_the_focal_region_lies_in_it():
    text = ("【聚焦】2023年宁波市政府工作报告\n各位代表:过去一年,全市经济稳中向好。北仑区港口物流项目、"
            "镇海区炼化一体化项目等重大项目开工建设。宁波市将继续努力。宁波市经济发展。")
    facts = pairs(located(text))
    assert ("北仑区港口物流项目", "宁波市") in facts


def test_a_citys_own_firms_lie_in_it(tmp_path):
    lexicon = "城投\tEnterprise\t\n水投\tEnterprise\t"
    text = ("【关注】2024年温州市政府工作报告\n各位代表:过去一年,全市经济持续回升。城投、水投等三大市属企业完成重组整合。"
            "温州市将继续努力。温州市经济发展。")
    facts = pairs(located(text, tmp_path, lexicon))
    assert {("城投", "温州市"), ("水投", "温州市")} <= facts


def test_a_part_named_after_a_county_lies_in_it(tmp_path):
    lexicon = "长兴经开区\tZone\t\n长兴经开区安吉飞地园\tZone\t"
    facts = pairs(located("湖州市长兴县和安吉县合作。长兴经开区安吉飞地园由长兴经开区与安吉县共建。", tmp_path, lexicon))
    assert {("长兴经开区安吉飞地园", "长兴经开区"), ("长兴经开区安吉飞地园", "安吉县")} <= facts


def test_a_heading_that_names_a_place_holds_until_the_next_numbered_line():
    text = ("全省重点项目集中签约\n9月6日,全省重点项目集中签约活动举行。\n一、佛山市\n"
            "甲乙智能家电产业园项目正式签约。\n万洋众创城项目加快建设。\n二、清远市\n清远风电项目集中动工。\n"
            "三、总体情况\n连州水利枢纽项目进展顺利。")
    facts = located(text)
    assert {("甲乙智能家电产业园项目", "佛山市", "rel.locatedIn.heading"),
            ("万洋众创城项目", "佛山市", "rel.locatedIn.heading"),
            ("清远风电项目", "清远市", "rel.locatedIn.heading")} <= facts
    assert not any(o in ("佛山市", "清远市") for s, o, _ in facts if s.startswith("连州"))


def test_a_line_opening_with_a_place_and_a_colon_puts_its_projects_there():
    facts = located("各地项目进展如下。\n肇庆市:鼎湖新材料产业园项目签约。\n韶关市:丹霞文旅项目开工。")
    assert ("鼎湖新材料产业园项目", "肇庆市", "rel.locatedIn.paragraph") in facts
    assert ("丹霞文旅项目", "韶关市", "rel.locatedIn.paragraph") in facts


def test_a_countrys_name_is_no_scope():
    facts = located("中国机械工程\n10个项目落户湖南。\n一、中国\n甲乙电子产业园项目签约。\n在中国,丙丁物流中心项目开工。")
    scoped = ("rel.locatedIn.heading", "rel.locatedIn.paragraph", "rel.locatedIn.event")
    assert not any(o == "中国" for _, o, rule in facts if rule in scoped)


def test_a_project_built_in_a_place_lies_there():
    text = "公司与宜宾市人民政府签署投资协议,将在宜宾市叙州区投资建设宁德时代宜宾动力电池生产基地项目。"
    facts = located(text)
    assert ("宁德时代宜宾动力电池生产基地项目", "叙州区", "rel.locatedIn.built_in") in facts


def test_a_project_named_after_two_places_lies_in_the_last():
    text = "山东省与甲乙集团签署协议。甲乙集团在深圳签约,代表团考察了青岛甲乙深圳研发基地项目。山东省加快发展。"
    facts = pairs(located(text))
    assert ("青岛甲乙深圳研发基地项目", "深圳市") in facts
