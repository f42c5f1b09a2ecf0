"""Zones (named parts, bodies, glued titles) and projects (whole list items, amounts and batches
that are no projects): the rules of kg/extract/suffix.py and kg/extract/lists.py (issue 12).
Every sentence is written for these tests."""

from __future__ import annotations

import pytest

from kg.build.document import process_document
from kg.ingest.reader import make_document


def entities(text: str) -> dict[str, dict[str, set]]:
    """type -> name -> aliases of the entities of one text."""
    out: dict[str, dict[str, set]] = {}
    for ent in process_document(make_document(text)).entities.values():
        out.setdefault(ent.type, {})[ent.name] = set(ent.aliases)
    return out


def names(text: str, etype: str) -> set[str]:
    return set(entities(text).get(etype, {}))


# ---------------------------------------------------------------------------- zone parts


@pytest.mark.parametrize("text, zone", [
    ("设立中共贵安新区马场组团工作委员会。", "贵安新区马场组团"),
    ("全力打造成都人工智能产业集聚区。", "成都人工智能产业集聚区"),
    ("签约仪式在西湖区云栖小镇举行。", "西湖区云栖小镇"),
    ("项目落户泸州经开区合江飞地园。", "泸州经开区合江飞地园"),
    ("西咸新区能源金融谷开工。", "西咸新区能源金融谷"),
])
def test_a_named_part_of_a_zone_or_region_is_a_zone(text, zone):
    assert zone in names(text, "Zone")


def test_a_second_part_inherits_the_zone_of_the_first():
    zones = entities("积极对接陕西自贸区西安片区和咸阳片区。")["Zone"]
    assert {"陕西自贸区西安片区", "陕西自贸区咸阳片区"} <= set(zones)
    assert "咸阳片区" in zones["陕西自贸区咸阳片区"]


@pytest.mark.parametrize("text", [
    "推进老城片区改造。",
    "坚持组团式发展,形成多组团格局。",
    "实验区建设稳步推进。",
    "打造“数字经济之谷”。",
    "新区下设四个组团。",
    "开发区的东片区加快建设。",
])
def test_part_kinds_alone_are_no_zones(text):
    assert names(text, "Zone") == set()


def test_a_body_names_its_zone_and_the_body_keeps_the_part():
    ents = entities("设立中共贵安新区马场组团工作委员会、宜宾临港经济技术开发区管委会。")
    assert "中共贵安新区马场组团工作委员会" in ents["Organization"]
    assert {"贵安新区马场组团", "宜宾临港经济技术开发区"} <= set(ents["Zone"])


def test_an_honorary_title_glued_before_a_zone_is_cut_off():
    zones = names("厦门两岸区域性金融服务中心示范区福建自贸试验区厦门片区举行签约活动。", "Zone")
    assert "福建自贸试验区厦门片区" in zones
    assert not any(z.startswith("厦门两岸") and z.endswith("片区") for z in zones)


def test_titles_given_to_a_zone_are_no_zones():
    assert names("该区获批成为国家普惠金融改革试验区。", "Zone") == set()


def test_a_zone_kind_plus_a_generic_word_is_the_inner_zone():
    assert names("介绍了杭州人工智能产业园园区配套情况。", "Zone") == {"杭州人工智能产业园"}


def test_a_bracketed_zone_after_a_zone_is_another_zone_not_an_alias():
    zones = entities("落户成都机械配套产业园(泸州经开区合江飞地园)。")["Zone"]
    assert {"成都机械配套产业园", "泸州经开区合江飞地园"} <= set(zones)
    assert "泸州经开区合江飞地园" not in zones["成都机械配套产业园"]


def test_pronoun_and_party_prefix_do_not_open_a_zone_name():
    assert "天河新区" in names("这是天河新区获批后的又一成果。", "Zone")
    assert not any(z.startswith("这是") for z in names("这是天河新区获批后的又一成果。", "Zone"))


def test_a_zone_written_without_its_place_is_the_same_zone():
    zones = entities("宁波杭州湾新区召开大会。会上,杭州湾新区党工委书记讲话。")["Zone"]
    assert set(zones) == {"宁波杭州湾新区"}
    assert "杭州湾新区" in zones["宁波杭州湾新区"]


def test_a_street_address_before_a_park_gives_the_park_its_own_name():
    zones = entities("揭牌仪式在江夏区金口街道星辰产业园举办。")["Zone"]
    assert any("星辰产业园" in {name, *aliases} for name, aliases in zones.items())


# ---------------------------------------------------------------------------- project lists


def test_every_item_of_a_project_list_is_a_whole_project():
    text = "签约项目包括甲乙新材料研发及生产总部、丙丁智能装备制造基地、戊己光电产业园(南区)等项目。"
    assert {"甲乙新材料研发及生产总部", "丙丁智能装备制造基地", "戊己光电产业园(南区)"} <= names(text, "Project")


def test_items_after_a_project_head():
    text = "本次集中签约共6个项目,项目分别是星河创新综合体二期、城东冷链仓储物流、海川电子产业园(一期)等。"
    assert {"星河创新综合体二期", "城东冷链仓储物流", "海川电子产业园(一期)"} <= names(text, "Project")


def test_list_items_with_a_count_an_amount_and_mirror_commas():
    text = ("会上听取了华锦钠离子电池生产基地,、高端铝箔材料生产,、年产3万吨新型板材等5个重点项目和"
            "远山物流园、北岭冷链基地等10个总投资约88亿元的项目进展汇报。")
    found = names(text, "Project")
    assert {"华锦钠离子电池生产基地", "高端铝箔材料生产", "年产3万吨新型板材", "远山物流园", "北岭冷链基地"} <= found


def test_a_named_park_listed_as_a_project_is_a_project():
    text = "星海集团临湘产业园、蓝河智能临湘产业园等8个项目集中签约。"
    ents = entities(text)
    assert {"星海集团临湘产业园", "蓝河智能临湘产业园"} <= set(ents["Project"])
    assert not set(ents.get("Zone", {})) & {"星海集团临湘产业园", "蓝河智能临湘产业园"}


def test_an_investment_amount_makes_the_name_after_it_a_project():
    assert "远航智慧产业园" in names("与投资12亿元的远航智慧产业园同日签约。", "Project")


def test_parks_listed_under_a_park_head_are_zones():
    text = "首批重点建设南湖人工智能产业园、西岭人工智能产业园、东港科技园等3个人工智能主题产业园。"
    assert {"南湖人工智能产业园", "西岭人工智能产业园", "东港科技园"} <= names(text, "Zone")


@pytest.mark.parametrize("text", [
    "覆盖科技研发、商贸物流、休闲康养等多个领域。",
    "全市共签约10个总投资201亿元项目。",
    "2024年第三批重大项目集中签约。",
    "下一步将紧盯86个重点在建项目抓进度。",
    "扬州美食文化节项目集中签约。",
    "眼下,项目土方工程正在施工。",
    "把招商引资当作全区工作的“头号工程”。",
    "将服务收入比例、人均增加值等指标纳入园区监测。",
    "与远航科创产业园三个园中园项目同日签约。",
])
def test_amounts_batches_categories_and_events_are_no_projects(text):
    found = names(text, "Project") | names(text, "Zone")
    assert not any(n.endswith(("项目", "工程")) or "指标" in n or "个" in n for n in found), found


def test_a_project_name_goes_on_over_a_conjunction_after_a_facility():
    assert "年产10万吨电池材料生产线及码头建设项目" in names("双方签署了年产10万吨电池材料生产线及码头建设项目。", "Project")


def test_a_project_and_the_same_name_with_xiangmu_are_one_project():
    text = "星海集团临湘产业园、蓝河智能临湘产业园等8个项目集中签约。其中星海集团临湘产业园项目计划投资70亿元。"
    projects = entities(text)["Project"]
    forms = [{name, *aliases} for name, aliases in projects.items() if name.startswith("星海")]
    assert forms == [{"星海集团临湘产业园", "星海集团临湘产业园项目"}]


# ---------------------------------------------------------------------------- parks listed with a zone


def test_parks_listed_with_a_zone_are_zones():
    text = "近年来,中德智造产业园、中韩创新合作基地、中瑞(典)中心相继落地。"
    assert {"中德智造产业园", "中韩创新合作基地", "中瑞(典)中心"} <= names(text, "Zone")


def test_a_platform_listed_with_a_bonded_zone_is_a_zone():
    assert "温州港口联运服务中心" in names("温州港口联运服务中心、温州鹿城综合保税区等相继获批。", "Zone")


@pytest.mark.parametrize("text", [
    "市民中心、体育中心、会展中心等场馆对外开放。",          # no zone in the list
    "要发挥好市民中心、体育中心和高新区的作用。",            # a bare kind is no zone to go by
])
def test_centres_without_a_named_zone_in_the_list_are_no_zones(text):
    assert not {"市民中心", "体育中心", "会展中心"} & names(text, "Zone")


def test_a_shorter_project_name_joins_the_one_listed_project_that_ends_in_it():
    from kg.resolve.document import DocResolver
    from kg.build.document import resources

    resolver = DocResolver(make_document("甲。"), [], resources()[0])
    group = {"储能电池生产基地", "新型储能电池生产基地项目", "湘江医药园项目"}
    assert resolver._full_form("Project", "储能电池生产基地", group, (), ()) == "新型储能电池生产基地项目"
    assert resolver._full_form("Project", "湘江医药园", group, (), ()) == "湘江医药园项目"


@pytest.mark.parametrize("text", [
    "为舟山打造甬舟全面合作示范区增添动能。",                   # a title the place is to become
    "舟山甬舟全面合作示范区浙江自贸试验区舟山片区举行活动。",   # a title written before a zone
])
def test_titles_to_become_or_glued_before_a_zone_are_no_zones(text):
    assert not any(z.endswith("示范区") for z in names(text, "Zone"))


@pytest.mark.parametrize("text, zone", [
    ("加快建设济源示范区。", "济源示范区"),                     # named by its place alone
    ("加快打造兰白国家自主创新示范区。", "兰白国家自主创新示范区"),  # a zone kind of its own
])
def test_zones_named_like_titles_stay_zones(text, zone):
    assert any(zone == name or zone in aliases for name, aliases in entities(text)["Zone"].items())


def test_buildings_named_after_a_zone_in_a_list_are_zones():
    text = "它由城发集团运营的中关村智能大厦、中关村科创中心构成。"
    assert {"中关村智能大厦", "中关村科创中心"} <= names(text, "Zone")


# ---------------------------------------------------------------------------- owners of projects


def test_a_project_names_owner_is_no_place_and_no_capacity():
    text = "沙洋智慧物流数字产业园、星河光电二期、越南冷链仓储物流、年产5万吨新型建材板材等4个项目集中签约。"
    firms = names(text, "Enterprise")
    assert "星河光电" in firms                      # a brand before the phase is the owner
    assert not firms & {"沙洋", "越南冷链", "年产"}   # a county's short form, a place and a trade, a capacity
    assert {"沙洋智慧物流数字产业园", "越南冷链仓储物流"} <= names(text, "Project")
