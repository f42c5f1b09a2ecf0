"""No test, code or data file echoes the development set or the seeds.

The developers' guide: tests write their own sentences for each rule, and code and lexicons never
carry the particular names of a seed or dev document. An echo is a run of 12 or more consecutive
CJK characters that a test string, a comment, a docstring or a data file's note shares with a dev
or seed text (tests/echoes.py says what is compared; run it to list shorter runs too).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

import echoes
from conftest import SHARED, in_ci

RUN = 12

# Tests that check the product on the seeds themselves and so name the seeds' entities and titles.
# (Any test function that takes a seed-building fixture, conftest's seed_build, seed_graph or
# seed_docs, may do so too, wherever it is.)
SEED_CHECKING = {
    "test_stores_seeds.py": "every named query on the seeds' graph, checked against facts of the seed texts",
    "test_viz.py": "the page of tests/data/sample_graph.ttl, a small graph in the names of the seed build",
}


@lru_cache(maxsize=1)
def _checked() -> tuple:
    return tuple(echoes.checked_units(echoes.checked_files()))


def _report(found: list) -> str:
    return ("text of the dev set or the seeds copied into the project (write your own sentences, "
            "with invented names):\n" + "\n".join(str(e) for e in found))


def test_no_test_code_or_data_echoes_a_seed_text():
    index = echoes.grams(echoes.reference_texts(None), RUN)
    found = [e for e in echoes.scan(_checked(), index, RUN)
             if not (e.unit.seed_test or e.unit.path.name in SEED_CHECKING and e.unit.path.parent.name == "tests")]
    if found:
        pytest.fail(_report(found))


def test_no_test_code_or_data_echoes_a_dev_text():
    dev = SHARED / "dev" / "texts"
    if not dev.is_dir():
        message = (f"{dev} not found: the dev texts (../shared/dev/texts next to the checkout, or "
                   "KG_SHARED) are needed to check that nothing copies them")
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    index = echoes.grams({k: v for k, v in echoes.reference_texts(dev).items() if k.startswith("dev/")}, RUN)
    found = echoes.scan(_checked(), index, RUN)
    if found:
        pytest.fail(_report(found))


def test_the_allowed_seed_checking_tests_exist():
    tests = Path(__file__).parent
    assert all((tests / name).is_file() for name in SEED_CHECKING)


# ---------------------------------------------------------------------------- the checker itself


SEED = "兰州新区位于甘肃省。新区重点发展甲乙丙丁戊己庚辛壬癸产业,建设一批项目。"


@pytest.mark.parametrize("text, run", [
    ("新区重点发展甲乙丙丁戊己庚辛壬癸产业", "新区重点发展甲乙丙丁戊己庚辛壬癸产业"),   # copied
    ("新區重點發展甲乙丙丁戊己庚辛壬癸產業", "新区重点发展甲乙丙丁戊己庚辛壬癸产业"),   # another script
    ("新区,重点发展 甲乙丙丁、戊己庚辛壬癸 产业", "新区重点发展甲乙丙丁戊己庚辛壬癸产业"),  # other punctuation
    ("省。新区重点发展甲乙丙", "省新区重点发展甲乙丙"),                                   # over a full stop
])
def test_a_copied_run_is_found_across_script_and_punctuation(text, run):
    index = echoes.grams({"seed": SEED}, 10)
    unit = echoes.Unit(Path("t.py"), 1, text)
    assert [e.run for e in echoes.echoes(unit, echoes.cjk(text), index, 10)] == [run]


@pytest.mark.parametrize("text", [
    "新区重点发展甲乙丙丁",          # shorter than the run
    "园区重点培育甲乙丙丁戊己庚辛",  # own words
])
def test_a_short_or_own_sentence_is_no_echo(text):
    index = echoes.grams({"seed": SEED}, 12)
    unit = echoes.Unit(Path("t.py"), 1, text)
    assert list(echoes.echoes(unit, echoes.cjk(text), index, 12)) == []


def test_strings_comments_and_seed_fixture_tests_are_units(tmp_path):
    source = tmp_path / "test_x.py"
    source.write_text('"""文档。"""\n# 注释一\n# 注释二\nA = ("甲乙"\n     "丙丁")\n\n\n'
                      'def test_a(seed_graph):\n    assert "戊己" in seed_graph\n', encoding="utf-8")
    got = {(u.text, u.seed_test) for u in echoes.units(source)}
    assert got == {("文档。", False), ("# 注释一\n# 注释二", False), ("甲乙丙丁", False), ("戊己", True)}
    assert {u.text for u in echoes.units(source, prose=True)} == {"文档。", "# 注释一\n# 注释二"}


def test_a_data_file_is_checked_in_its_comments_and_notes(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("# 来源说明\nname\tnote\n甲乙公司\t丙丁的例子\n", encoding="utf-8")
    assert [u.text for u in echoes.units(path, prose=True)] == ["# 来源说明", "丙丁的例子"]
